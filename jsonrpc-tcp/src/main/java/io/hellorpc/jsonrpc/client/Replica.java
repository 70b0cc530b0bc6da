package io.hellorpc.jsonrpc.client;

import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.transport.NettySsl;
import io.hellorpc.jsonrpc.transport.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

/**
 * One server of a template: the connection to it (one at a time, opened as soon as the server is
 * known), opened again in the background with exponential backoff after it fails, and at once
 * after a drop or when the server retires it. Calls go to it only while its connection is
 * connecting or open; a failed server is ejected until a reconnect succeeds. Once removed (its
 * address no longer resolves) it opens nothing more, and its connection closes when its last call
 * is settled.
 */
final class Replica {

	private static final Log logger = LogFactory.getLog(Replica.class);

	private final InetSocketAddress address;

	private final String label;

	private final CallRouter router;

	private final Bootstrap bootstrap;

	private final ExponentialBackOff backOff;

	/** Connecting or open; {@code null} while waiting to reconnect. Changed under {@code this}. */
	private volatile RpcClientConnection connection;

	/** Guarded by {@code this}; {@code null} while connected. */
	private BackOffExecution backOffs;

	/** Why the last connection failed, for the error of a call that found no server. */
	private volatile String lastFailure;

	private volatile boolean removed;

	/**
	 * Went silent (calls ran out of time in a row): until a reply comes, the balancer gives it one
	 * call at a time, so that a server that accepts connections but answers nothing (stopped,
	 * hung) traps one call, not a share of all of them, and one that recovers is seen to.
	 */
	private volatile boolean probation;

	Replica(InetSocketAddress address, CallRouter router, Bootstrap bootstrap, ExponentialBackOff backOff) {
		this.address = address;
		this.label = label(address);
		this.router = router;
		this.bootstrap = bootstrap;
		this.backOff = backOff;
	}

	/** {@code 127.0.0.2:1337}: the address connected to, the port included. */
	static String label(InetSocketAddress address) {
		String host = (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
		return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
	}

	String label() {
		return this.label;
	}

	InetSocketAddress address() {
		return this.address;
	}

	/** Its connection if open and taking calls, else {@code null}. */
	RpcClientConnection ready() {
		RpcClientConnection current = this.connection;
		return (current != null && current.isReady() && current.isAccepting()) ? current : null;
	}

	boolean onProbation() {
		return this.probation;
	}

	/** A reply came from it: calls go to it freely again. */
	void answered() {
		if (this.probation) {
			this.probation = false;
		}
	}

	/** Its connection went silent: on probation, and connected to again only after a backoff. */
	void silent() {
		this.probation = true;
	}

	/** Its connection if still connecting (calls handed to it wait there), else {@code null}. */
	RpcClientConnection connecting() {
		RpcClientConnection current = this.connection;
		return (current != null && !current.isReady() && current.isAccepting()) ? current : null;
	}

	/** For the error of a call that found no server: why this one could not take it. */
	String state() {
		RpcClientConnection current = this.connection;
		String lastFailure = this.lastFailure;
		if (current != null && current.isAccepting()) {
			return current.isReady() ? "connected" : (lastFailure != null) ? lastFailure + "; connecting again" : "connecting";
		}
		return (lastFailure != null) ? lastFailure : "not connected";
	}

	/** Opens a connection unless it has one taking calls, or is removed, or the template is closed. */
	void open() {
		RpcClientConnection opening;
		synchronized (this) {
			RpcClientConnection current = this.connection;
			if (this.removed || this.router.isClosed() || (current != null && current.isAccepting())) {
				return;
			}
			opening = this.router.newConnection(this);
			this.connection = opening;
		}
		connect(opening);
	}

	/** No longer one of the template's servers: takes no new calls, and its connection closes once idle. */
	void remove() {
		RpcClientConnection current;
		synchronized (this) {
			this.removed = true;
			current = this.connection;
		}
		if (current != null) {
			current.retire();
		}
	}

	/** Connected (and through its TLS handshake). */
	void connected(RpcClientConnection connection) {
		synchronized (this) {
			this.lastFailure = null;
		}
		this.router.serverReady();
	}

	/** The connection takes no new calls (the server is closing it, or it went silent): a new one, at once. */
	void retired(RpcClientConnection connection) {
		long delay = 0;
		synchronized (this) {
			if (this.connection == connection) {
				this.connection = null;
			}
			if (this.probation) {
				// Silent: a new connection at once would be silent too; after a backoff, as for a failed connect.
				this.lastFailure = "no reply to the last calls";
				if (this.backOffs == null) {
					this.backOffs = this.backOff.start();
				}
				delay = this.backOffs.nextBackOff();
			}
		}
		if (delay == 0) {
			open();
		}
		else {
			EventLoop eventLoop = (EventLoop) this.bootstrap.config().group();
			if (!eventLoop.isShuttingDown()) {
				eventLoop.schedule(this::open, delay, TimeUnit.MILLISECONDS);
			}
		}
	}

	/**
	 * The connection failed or closed: one that was answered is opened again at once, any other
	 * (could not be opened, or was refused before any reply, as a TLS 1.3 server refusing the
	 * client's certificate does) after a backoff, doubled each time (with jitter), so that a
	 * server that is down is not hammered and one that comes back gets calls again within
	 * {@code maxBackoff}.
	 */
	void ended(RpcClientConnection connection, RpcException failure) {
		long delay;
		synchronized (this) {
			if (this.connection != connection) {
				return; // retired earlier: a new one is open already
			}
			this.connection = null;
			this.lastFailure = reasonOf(failure);
			if (connection.wasAnswered()) {
				this.backOffs = null;
				delay = 0;
			}
			else {
				if (this.backOffs == null) {
					this.backOffs = this.backOff.start();
				}
				delay = this.backOffs.nextBackOff();
			}
		}
		this.router.serverFailed(this);
		if (this.removed || this.router.isClosed()) {
			return;
		}
		if (logger.isDebugEnabled()) {
			logger.debug(this.label + " failed (" + this.lastFailure + "): connecting again in " + delay + " ms");
		}
		EventLoop eventLoop = (EventLoop) this.bootstrap.config().group();
		if (!eventLoop.isShuttingDown()) {
			eventLoop.schedule(this::open, delay, TimeUnit.MILLISECONDS);
		}
	}

	/** The failure without this server's address, which the error of a call that found no server names already. */
	private String reasonOf(RpcException failure) {
		String message = String.valueOf(failure.getMessage());
		String refused = "cannot reach " + this.label + ": ";
		if (message.startsWith(refused)) {
			return message.substring(refused.length());
		}
		return message.replace(" with " + this.label, "").replace(" to " + this.label, "")
			.replace(" at " + this.label, "");
	}

	/**
	 * Connects on the replica's event loop: from another thread (the resolver's), the loop may shut
	 * down between a check and the channel's registration, which Netty reports with a stack trace.
	 * A loop that no longer takes tasks refuses this one instead, and the connection fails cleanly.
	 */
	private void connect(RpcClientConnection connection) {
		EventLoop loop = (EventLoop) this.bootstrap.config().group().next();
		if (loop.inEventLoop()) {
			connectHere(connection);
			return;
		}
		try {
			loop.execute(() -> connectHere(connection));
		}
		catch (RejectedExecutionException ex) {
			connection.fail(CallRouter.ioThreadsClosed(this.router.name()));
		}
	}

	private void connectHere(RpcClientConnection connection) {
		if (this.bootstrap.config().group().isShuttingDown()) {
			connection.fail(CallRouter.ioThreadsClosed(this.router.name()));
			return;
		}
		ChannelFuture connecting = this.bootstrap.clone().handler(pipeline(connection)).connect(this.address);
		this.router.track(connecting.channel());
		connecting.addListener((future) -> {
			if (!future.isSuccess()) {
				this.router.untrack(connecting.channel());
				connection.fail(this.router.isClosed() ? this.router.closedFailure() : new RpcConnectionException(
						"cannot reach " + this.label + ": " + reason(future.cause()), future.cause()));
				return;
			}
			SslHandler tls = connecting.channel().pipeline().get(SslHandler.class);
			if (tls == null) {
				connection.ready();
				return;
			}
			// Ready once the handshake is done, so that a TLS failure is the call's error, named as such.
			tls.handshakeFuture().addListener((handshake) -> {
				if (handshake.isSuccess()) {
					connection.ready();
				}
				else {
					connection.fail(this.router.isClosed() ? this.router.closedFailure() : new RpcConnectionException(
							"TLS handshake with " + this.label + " failed: " + tlsReason(handshake.cause()), handshake.cause()));
					connecting.channel().close();
				}
			});
		});
	}

	/** In the order bytes travel: TLS (when on), framing (bounded), replies. */
	private ChannelInitializer<SocketChannel> pipeline(RpcClientConnection connection) {
		return new ChannelInitializer<>() {
			@Override
			protected void initChannel(SocketChannel channel) {
				Replica.this.router.initChannel(channel, Replica.this.address, connection);
			}
		};
	}

	/** The deepest message: the JDK wraps certificate problems ("PKIX path building failed", "expired") a few levels down. */
	private static String tlsReason(Throwable failure) {
		Throwable cause = NettySsl.meaningful(failure);
		Throwable root = cause;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String top = (cause.getMessage() != null) ? NettySsl.errorText(cause.getMessage()) : cause.getClass().getSimpleName();
		return (root != cause && root.getMessage() != null && !top.contains(root.getMessage()))
				? top + " (" + root.getMessage() + ")" : top;
	}

	/** The cause without the address Netty appends, which the message already names. */
	private static String reason(Throwable cause) {
		String message = (cause.getMessage() != null) ? NettyTransport.errorText(cause.getMessage())
				: cause.getClass().getSimpleName();
		int address = message.lastIndexOf(": ");
		return (address > 0 && message.substring(address + 2).matches("\\S*/\\S*:\\d+")) ? message.substring(0, address)
				: message;
	}

}
