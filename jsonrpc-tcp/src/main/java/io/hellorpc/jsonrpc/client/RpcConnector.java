package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;

/**
 * Opens the one connection a template's calls share: lazily, on the first call, and again on the
 * next call after it dropped; hands each message to it. Once closed it opens nothing more and
 * closes the connection it has, open or still connecting, so no socket is left behind.
 */
final class RpcConnector {

	private final String host;

	private final int port;

	private final String address;

	private final EventLoop eventLoop;

	private final Bootstrap bootstrap;

	private final PendingCalls calls;

	private final AtomicReference<CompletableFuture<RpcClientConnection>> connection = new AtomicReference<>();

	/** The channel of the latest connection, from the moment its connect starts. */
	private volatile Channel channel;

	private volatile boolean closed;

	RpcConnector(String host, int port, Duration connectTimeout, int maxMessageSize, int maxQueued, JsonRpcCodec codec,
			PendingCalls calls, RpcClientResources resources, ClientTls tls) {
		this.host = host;
		this.port = port;
		this.address = host + ":" + port;
		this.calls = calls;
		this.eventLoop = resources.eventLoops().next();
		long handshakeTimeoutMillis = connectTimeout.toMillis();
		this.bootstrap = new Bootstrap().group(this.eventLoop)
			.channel(NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.handler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					// In the order bytes travel: TLS (when on), framing (bounded), replies.
					if (tls != null) {
						channel.pipeline().addLast("tls", tls.newHandler(channel.alloc(), host, port, handshakeTimeoutMillis));
					}
					channel.pipeline()
						.addLast(new JsonFrameDecoder(maxMessageSize))
						.addLast(new RpcClientConnection(codec, RpcConnector.this.address, calls, maxQueued));
				}
			});
	}

	String address() {
		return this.address;
	}

	/**
	 * Hands the message to the open connection, or to the one being opened once it is; the calls
	 * it carries fail if that cannot be done.
	 */
	void send(Outgoing message, List<PendingCall> carried) {
		CompletableFuture<RpcClientConnection> connection = connection();
		if (connection.isDone() && !connection.isCompletedExceptionally()) {
			handTo(connection.join(), message, carried);
			return;
		}
		connection.whenComplete((open, failure) -> {
			if (failure != null) {
				RpcException why = connectFailure(failure);
				carried.forEach((call) -> this.calls.fail(call, why));
			}
			else {
				handTo(open, message, carried);
			}
		});
	}

	private void handTo(RpcClientConnection connection, Outgoing message, List<PendingCall> carried) {
		try {
			connection.send(message);
		}
		catch (RpcException ex) {
			carried.forEach((call) -> this.calls.fail(call, ex));
		}
	}

	/** The open connection, or the one being opened; a failed or dropped one is replaced. Lock-free. */
	private CompletableFuture<RpcClientConnection> connection() {
		while (true) {
			CompletableFuture<RpcClientConnection> current = this.connection.get();
			if (isUsable(current)) {
				return current;
			}
			CompletableFuture<RpcClientConnection> opening = new CompletableFuture<>();
			if (this.connection.compareAndSet(current, opening)) {
				connect(opening);
				return opening;
			}
		}
	}

	private static boolean isUsable(CompletableFuture<RpcClientConnection> connection) {
		return connection != null && !connection.isCompletedExceptionally()
				&& (!connection.isDone() || connection.join().isOpen());
	}

	/** Opens nothing more and closes the connection, whether open, connecting or in its handshake. */
	void close() {
		this.closed = true;
		Channel channel = this.channel;
		if (channel != null) {
			channel.close();
		}
	}

	private void connect(CompletableFuture<RpcClientConnection> opened) {
		if (this.closed) {
			opened.completeExceptionally(closedFailure());
			return;
		}
		if (this.eventLoop.isShuttingDown()) {
			opened.completeExceptionally(new RpcConnectionException(
					"cannot call " + this.address + ": the I/O threads it was given (RpcClientResources) are closed"));
			return;
		}
		ChannelFuture connecting = this.bootstrap.connect(this.host, this.port);
		this.channel = connecting.channel();
		if (this.closed) {
			// close() ran between the check above and this channel being known: it would not close it.
			connecting.channel().close();
		}
		connecting.addListener((future) -> {
			if (!future.isSuccess()) {
				opened.completeExceptionally(this.closed ? closedFailure() : new RpcConnectionException(
						"cannot reach " + this.address + ": " + reason(future.cause()), future.cause()));
			}
			else if (this.tls(connecting) != null) {
				// Usable once the handshake is done, so that a TLS failure is the call's error, named as such.
				this.tls(connecting).handshakeFuture().addListener((handshake) -> {
					if (handshake.isSuccess()) {
						opened.complete(connecting.channel().pipeline().get(RpcClientConnection.class));
					}
					else {
						opened.completeExceptionally(this.closed ? closedFailure() : new RpcConnectionException("TLS handshake with "
								+ this.address + " failed: " + tlsReason(handshake.cause()), handshake.cause()));
						connecting.channel().close();
					}
				});
			}
			else {
				opened.complete(connecting.channel().pipeline().get(RpcClientConnection.class));
			}
		});
	}

	private SslHandler tls(ChannelFuture connecting) {
		return connecting.channel().pipeline().get(SslHandler.class);
	}

	RpcConnectionException closedFailure() {
		return new RpcConnectionException("RpcTemplate for " + this.address + " is closed");
	}

	private static RpcException connectFailure(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
		return (cause instanceof RpcException rpc) ? new RpcConnectionException(rpc.getMessage(), rpc.getCause())
				: new RpcConnectionException(String.valueOf(cause.getMessage()), cause);
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
