package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Opens the one connection a template's calls share: lazily, on the first call, and again on the
 * next call after it dropped. Its event loop (shared through {@link RpcClientResources}, or the
 * template's own) also sweeps the calls' deadlines.
 */
final class RpcConnector {

	/** How often deadlines are checked: a timed-out async call fails at most this late. */
	private static final long SWEEP_MILLIS = 10;

	private final String host;

	private final int port;

	private final String address;

	private final EventLoopGroup eventLoop;

	/** Whether the event loop is the template's own, to shut down with it. */
	private final boolean ownEventLoop;

	private final Bootstrap bootstrap;

	private final ScheduledFuture<?> sweeper;

	private final AtomicReference<CompletableFuture<RpcClientConnection>> connection = new AtomicReference<>();

	/** {@code null} for plain TCP. */
	private final ClientTls tls;

	private final long handshakeTimeoutMillis;

	RpcConnector(String host, int port, Duration connectTimeout, int maxMessageSize, JsonRpcCodec codec,
			PendingCalls calls, RpcClientResources resources, ClientTls tls) {
		this.tls = tls;
		this.handshakeTimeoutMillis = connectTimeout.toMillis();
		this.host = host;
		this.port = port;
		this.address = host + ":" + port;
		this.ownEventLoop = (resources == null);
		EventLoopGroup shared = (resources != null) ? resources.eventLoops() : null;
		this.eventLoop = (shared != null) ? shared.next()
				: VirtualThreadIoEventLoops.create(1, "rpc-client"); // PROTOTYPE (bench branch): -Drpc.client.io=virtual
		this.bootstrap = new Bootstrap().group(this.eventLoop)
			.channel(NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.handler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					// In the order bytes travel: TLS (when on), framing (bounded), replies.
					if (tls != null) {
						channel.pipeline().addLast("tls", tls.newHandler(channel.alloc(), host, port, RpcConnector.this.handshakeTimeoutMillis));
					}
					channel.pipeline()
						.addLast(new JsonFrameDecoder(maxMessageSize))
						.addLast(new RpcClientConnection(codec, RpcConnector.this.address, calls));
				}
			});
		this.sweeper = this.eventLoop.next()
			.scheduleAtFixedRate(() -> calls.sweep(System.nanoTime()), SWEEP_MILLIS, SWEEP_MILLIS, TimeUnit.MILLISECONDS);
	}

	String address() {
		return this.address;
	}

	/** The open connection, or the one being opened; a failed or dropped one is replaced. Lock-free. */
	CompletableFuture<RpcClientConnection> connection() {
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

	void close() {
		this.sweeper.cancel(false);
		CompletableFuture<RpcClientConnection> current = this.connection.get();
		if (current != null && current.isDone() && !current.isCompletedExceptionally()) {
			current.join().close();
		}
		if (this.ownEventLoop) {
			this.eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
		}
	}

	private void connect(CompletableFuture<RpcClientConnection> opened) {
		ChannelFuture connecting = this.bootstrap.connect(this.host, this.port);
		connecting.addListener((future) -> {
			if (future.isSuccess() && this.tls != null) {
				// Usable once the handshake is done, so that a TLS failure is the call's error, named as such.
				connecting.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener((handshake) -> {
					if (handshake.isSuccess()) {
						opened.complete(connecting.channel().pipeline().get(RpcClientConnection.class));
					}
					else {
						opened.completeExceptionally(new RpcConnectionException("TLS handshake with " + this.address
								+ " failed: " + tlsReason(handshake.cause()), handshake.cause()));
						connecting.channel().close();
					}
				});
			}
			else if (future.isSuccess()) {
				opened.complete(connecting.channel().pipeline().get(RpcClientConnection.class));
			}
			else {
				opened.completeExceptionally(new RpcConnectionException(
						"cannot reach " + this.address + ": " + reason(future.cause()), future.cause()));
			}
		});
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
