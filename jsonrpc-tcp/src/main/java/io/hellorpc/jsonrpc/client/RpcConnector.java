package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Opens the one connection a template's calls share: lazily, on the first call, and again on the
 * next call after it dropped; hands each message to it. Once closed it opens nothing more and
 * closes the connection it has, open or still connecting, so no socket is left behind.
 */
final class RpcConnector {

	private final String host;

	private final int port;

	private final String address;

	private final Bootstrap bootstrap;

	private final PendingCalls calls;

	private final JsonRpcCodec codec;

	private final int maxMessageSize;

	private final int maxQueued;

	/** {@code null} for plain TCP. */
	private final ClientTls tls;

	private final long handshakeTimeoutMillis;

	private final AtomicReference<RpcClientConnection> connection = new AtomicReference<>();

	/** Every channel opened and not yet closed, from the moment its connect starts. */
	private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	private volatile boolean closed;

	RpcConnector(String host, int port, Duration connectTimeout, int maxMessageSize, int maxQueued, JsonRpcCodec codec,
			PendingCalls calls, RpcClientResources resources, ClientTls tls) {
		this.host = host;
		this.port = port;
		this.address = host + ":" + port;
		this.calls = calls;
		this.codec = codec;
		this.maxMessageSize = maxMessageSize;
		this.maxQueued = maxQueued;
		this.tls = tls;
		this.handshakeTimeoutMillis = connectTimeout.toMillis();
		this.bootstrap = new Bootstrap().group(resources.eventLoops().next())
			.channel(NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
	}

	String address() {
		return this.address;
	}

	/**
	 * Hands the message to the open connection, or to the one being opened, where it waits its
	 * turn; the calls it carries fail if the connection cannot take it.
	 */
	void send(Outgoing message, List<PendingCall> carried) {
		try {
			connection().send(message);
		}
		catch (RpcException ex) {
			carried.forEach((call) -> this.calls.fail(call, ex));
		}
	}

	/** The usable connection (open or opening); a failed or dropped one is replaced. Lock-free. */
	private RpcClientConnection connection() {
		while (true) {
			RpcClientConnection current = this.connection.get();
			if (current != null && current.isUsable()) {
				return current;
			}
			RpcClientConnection opening = new RpcClientConnection(this.codec, this.address, this.calls, this.maxQueued);
			if (this.connection.compareAndSet(current, opening)) {
				connect(opening);
				return opening;
			}
		}
	}

	/** Opens nothing more and closes the connection, whether open, connecting or in its handshake. */
	void close() {
		this.closed = true;
		for (Channel channel : this.channels) {
			// A channel of I/O threads already shut down is closed already, and cannot run a close.
			if (!channel.eventLoop().isShuttingDown()) {
				channel.close();
			}
		}
	}

	private void connect(RpcClientConnection connection) {
		if (this.closed) {
			connection.fail(closedFailure());
			return;
		}
		EventLoopGroup eventLoop = this.bootstrap.config().group();
		if (eventLoop.isShuttingDown()) {
			connection.fail(ioThreadsClosed(this.address));
			return;
		}
		ChannelFuture connecting = this.bootstrap.clone().handler(pipeline(connection)).connect(this.host, this.port);
		this.channels.add(connecting.channel());
		if (this.closed) {
			// close() ran between the check above and this channel being known: it would not close it.
			connecting.channel().close();
		}
		connecting.addListener((future) -> {
			if (!future.isSuccess()) {
				connection.fail(this.closed ? closedFailure() : new RpcConnectionException(
						"cannot reach " + this.address + ": " + reason(future.cause()), future.cause()));
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
					connection.fail(this.closed ? closedFailure() : new RpcConnectionException(
							"TLS handshake with " + this.address + " failed: " + tlsReason(handshake.cause()), handshake.cause()));
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
				if (RpcConnector.this.tls != null) {
					channel.pipeline().addLast("tls", RpcConnector.this.tls.newHandler(channel.alloc(), RpcConnector.this.host,
							RpcConnector.this.port, RpcConnector.this.handshakeTimeoutMillis));
				}
				channel.pipeline()
					.addLast(new JsonFrameDecoder(RpcConnector.this.maxMessageSize))
					.addLast(connection);
			}
		};
	}

	static RpcConnectionException ioThreadsClosed(String address) {
		return new RpcConnectionException(
				"cannot call " + address + ": the I/O threads it was given (RpcClientResources) are closed");
	}

	RpcConnectionException closedFailure() {
		return new RpcConnectionException("RpcTemplate for " + this.address + " is closed");
	}

	/** The deepest message: the JDK wraps certificate problems ("PKIX path building failed", "expired") a few levels down. */
	private static String tlsReason(Throwable cause) {
		Throwable root = cause;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String top = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		return (root != cause && root.getMessage() != null && !top.contains(root.getMessage()))
				? top + " (" + root.getMessage() + ")" : top;
	}

	/** The cause without the address Netty appends, which the message already names. */
	private static String reason(Throwable cause) {
		String message = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		int address = message.lastIndexOf(": ");
		return (address > 0 && message.substring(address + 2).matches("\\S*/\\S*:\\d+")) ? message.substring(0, address)
				: message;
	}

}
