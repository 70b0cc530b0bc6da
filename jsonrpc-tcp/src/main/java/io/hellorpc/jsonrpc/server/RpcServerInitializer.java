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
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;

/**
 * Sets up each accepted connection, or refuses it when {@code max-connections} are open. The
 * pipeline, one job a handler, in the order bytes travel in (replies travel back through it):
 * <ol>
 * <li>{@code tls}, {@code tls-watch}: TLS when on, and its handshake's outcome;
 * <li>{@code idle}: the idle and stalled-peer timers ({@code idle-timeout});
 * <li>{@code flush}: flushes coalesced while replies keep coming;
 * <li>{@code memory}: reply bytes counted in the server's memory budget until taken;
 * <li>{@code framing}: one JSON value a frame, within {@code max-message-size}, its incomplete bytes budgeted;
 * <li>{@code messages}: frames read as calls and batches, replies written in their dialect, bad input answered;
 * <li>{@code closer}: when the connection ends (bad input, half-close, drain, idle, max-connection-age, failure);
 * <li>{@code admission}: calls in flight within {@code max-calls-in-flight-per-connection}, batches within {@code max-batch-size};
 * <li>{@code calls}: each call run on the call executor, answered exactly once, within {@code call-timeout}.
 * </ol>
 * Any {@link Channel} gets that pipeline (the fuzz tests feed it through an embedded one); the
 * customizers see the accepted {@link SocketChannel}s.
 */
final class RpcServerInitializer extends ChannelInitializer<Channel> {

	/** Flushes that may be put off while replies keep coming, before one is forced. */
	private static final int FLUSHES_TO_COALESCE = 64;

	private final RpcServerProperties properties;

	private final JsonRpcCodec codec;

	private final RpcDispatcher dispatcher;

	private final Executor executor;

	private final Executor fallback;

	private final RpcServerActivity activity;

	private final Connections connections;

	private final MemoryBudget budget;

	/** {@code null} for plain TCP. */
	private final ServerTls tls;

	private final List<RpcServerCustomizer> customizers;

	RpcServerInitializer(RpcServerProperties properties, JsonRpcCodec codec, RpcDispatcher dispatcher, Executor executor,
			Executor fallback, RpcServerActivity activity, Connections connections, MemoryBudget budget, ServerTls tls,
			List<RpcServerCustomizer> customizers) {
		this.properties = properties;
		this.codec = codec;
		this.dispatcher = dispatcher;
		this.executor = executor;
		this.fallback = fallback;
		this.activity = activity;
		this.connections = connections;
		this.budget = budget;
		this.tls = tls;
		this.customizers = customizers;
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
			this.connections.refused();
			channel.config().setAutoRead(false);
			channel.writeAndFlush(this.codec.writeResponse(channel.alloc(), RpcId.NULL, null,
					RpcErrors.tooManyConnections(this.properties.maxConnections())))
				.addListener(ChannelFutureListener.CLOSE);
			return;
		}
		ConnectionMemory memory = this.budget.register(channel);
		channel.closeFuture().addListener((future) -> memory.closed());
		long idle = this.properties.idleTimeout().toMillis();
		int maxMessageSize = (int) this.properties.maxMessageSize().toBytes();
		channel.pipeline()
			.addLast("idle", new IdleStateHandler(false, 0, idle, idle, TimeUnit.MILLISECONDS))
			.addLast("flush", new FlushConsolidationHandler(FLUSHES_TO_COALESCE, true))
			.addLast("memory", new BufferedReplies(memory))
			.addLast("framing", new JsonFrameDecoder(maxMessageSize, memory::inbound))
			.addLast("messages", new RpcMessageCodec(this.codec, this.activity, maxMessageSize))
			.addLast("closer", new ConnectionCloser(this.activity, memory, this.properties.shutdownGracePeriod().toMillis() / 2,
					(this.properties.maxConnectionAge() != null) ? this.properties.maxConnectionAge().toMillis() : 0,
					this.properties.maxConnectionAgeGrace().toMillis()))
			.addLast("admission", new CallAdmission(this.properties.maxCallsInFlightPerConnection(),
					this.properties.maxBatchSize()))
			.addLast("calls", new CallRunner(this.dispatcher, this.executor, this.fallback, this.activity,
					this.properties.callTimeout(), this.properties.callThreads() == RpcServerProperties.CallThreads.AUTO));
		try {
			if (channel instanceof SocketChannel connection) {
				this.customizers.forEach((customizer) -> customizer.customize(connection));
			}
		}
		finally {
			this.connections.served(channel);
		}
	}

}
