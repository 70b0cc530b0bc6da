package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Opens the one connection a template's calls share: lazily, on the first call, and again on the
 * next call after it dropped. Owns the template's event loop.
 */
final class RpcConnector {

	private final String host;

	private final int port;

	private final String address;

	private final JsonRpcCodec codec;

	private final EventLoopGroup eventLoop;

	private final Bootstrap bootstrap;

	private volatile CompletableFuture<RpcClientConnection> connection;

	RpcConnector(String host, int port, Duration connectTimeout, int maxMessageSize, JsonRpcCodec codec) {
		this.host = host;
		this.port = port;
		this.address = host + ":" + port;
		this.codec = codec;
		this.eventLoop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rpc-client", true),
				NioIoHandler.newFactory());
		this.bootstrap = new Bootstrap().group(this.eventLoop)
			.channel(NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.handler(new ChannelInitializer<SocketChannel>() {
				@Override
				protected void initChannel(SocketChannel channel) {
					// In the order bytes travel: flush coalescing, framing (bounded), replies.
					channel.pipeline()
						.addLast(new FlushConsolidationHandler(64, true))
						.addLast(new JsonFrameDecoder(maxMessageSize))
						.addLast(new RpcClientConnection(codec, RpcConnector.this.address));
				}
			});
	}

	String address() {
		return this.address;
	}

	/** The open connection, or the one being opened; a failed or dropped one is replaced. */
	CompletableFuture<RpcClientConnection> connection() {
		CompletableFuture<RpcClientConnection> current = this.connection;
		if (isUsable(current)) {
			return current;
		}
		synchronized (this) {
			if (!isUsable(this.connection)) {
				this.connection = connect();
			}
			return this.connection;
		}
	}

	private static boolean isUsable(CompletableFuture<RpcClientConnection> connection) {
		return connection != null && !connection.isCompletedExceptionally()
				&& (!connection.isDone() || connection.join().isOpen());
	}

	void close() {
		synchronized (this) {
			if (isUsable(this.connection) && this.connection.isDone()) {
				this.connection.join().close();
			}
		}
		this.eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	private CompletableFuture<RpcClientConnection> connect() {
		CompletableFuture<RpcClientConnection> opened = new CompletableFuture<>();
		ChannelFuture connecting = this.bootstrap.connect(this.host, this.port);
		connecting.addListener((future) -> {
			if (future.isSuccess()) {
				opened.complete(connecting.channel().pipeline().get(RpcClientConnection.class));
			}
			else {
				opened.completeExceptionally(new RpcConnectionException(
						"cannot reach " + this.address + ": " + reason(future.cause()), future.cause()));
			}
		});
		return opened;
	}

	/** The cause without the address Netty appends, which the message already names. */
	private static String reason(Throwable cause) {
		String message = (cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName();
		int address = message.lastIndexOf(": ");
		return (address > 0 && message.substring(address + 2).matches("\\S*/\\S*:\\d+")) ? message.substring(0, address)
				: message;
	}

}
