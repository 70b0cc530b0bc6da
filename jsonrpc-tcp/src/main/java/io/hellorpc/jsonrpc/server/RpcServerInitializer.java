package io.hellorpc.jsonrpc.server;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Sets up each accepted connection, or refuses it when {@code max-connections} are open. The
 * pipeline, in the order bytes travel: TLS (when on) and its watcher, idle timer, flush
 * coalescing, framing (bounded), calls. Any {@link Channel} gets that pipeline (the fuzz tests
 * feed it through an embedded one); the customizers see the accepted {@link SocketChannel}s.
 */
final class RpcServerInitializer extends ChannelInitializer<Channel> {

	/** Flushes that may be put off while replies keep coming, before one is forced. */
	private static final int FLUSHES_TO_COALESCE = 64;

	private final RpcServerProperties properties;

	private final JsonRpcCodec codec;

	private final RpcDispatcher dispatcher;

	private final Executor executor;

	private final RpcServerActivity activity;

	private final ChannelGroup connections;

	/** {@code null} for plain TCP. */
	private final ServerTls tls;

	private final List<RpcServerCustomizer> customizers;

	RpcServerInitializer(RpcServerProperties properties, JsonRpcCodec codec, RpcDispatcher dispatcher,
			Executor executor, RpcServerActivity activity, ChannelGroup connections, ServerTls tls,
			List<RpcServerCustomizer> customizers) {
		this.tls = tls;
		this.customizers = customizers;
		this.properties = properties;
		this.codec = codec;
		this.dispatcher = dispatcher;
		this.executor = executor;
		this.activity = activity;
		this.connections = connections;
	}

	@Override
	protected void initChannel(Channel channel) {
		boolean admitted = this.activity.connectionOpened(this.properties.maxConnections());
		channel.closeFuture().addListener((future) -> this.activity.connectionClosed());
		if (this.tls != null) {
			// First, so that even a refusal below is written inside the TLS session (SslHandler holds it until the handshake).
			channel.pipeline()
				.addLast("tls", this.tls.newHandler(channel.alloc()))
				.addLast("tls-watch", new TlsHandshakeWatcher(this.activity));
		}
		if (!admitted) {
			channel.config().setAutoRead(false);
			channel.writeAndFlush(this.codec.writeResponse(channel.alloc(), RpcId.NULL, null,
					RpcErrors.tooManyConnections(this.properties.maxConnections())))
				.addListener(ChannelFutureListener.CLOSE);
			return;
		}
		this.connections.add(channel);
		int maxMessageSize = (int) this.properties.maxMessageSize().toBytes();
		channel.pipeline()
			.addLast("idle", new IdleStateHandler(0, 0, this.properties.idleTimeout().toMillis(), TimeUnit.MILLISECONDS))
			.addLast("flush", new FlushConsolidationHandler(FLUSHES_TO_COALESCE, true))
			.addLast("framing", new JsonFrameDecoder(maxMessageSize))
			.addLast("calls", new RpcConnectionHandler(this.codec, this.dispatcher, this.executor, this.activity,
					this.properties.maxCallsInFlightPerConnection(), maxMessageSize,
					this.properties.shutdownGracePeriod().toMillis() / 2));
		if (channel instanceof SocketChannel connection) {
			this.customizers.forEach((customizer) -> customizer.customize(connection));
		}
	}

}
