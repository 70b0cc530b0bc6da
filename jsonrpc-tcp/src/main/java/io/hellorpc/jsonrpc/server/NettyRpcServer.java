package io.hellorpc.jsonrpc.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.transport.NettyTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.PlatformDependent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The JSON-RPC listener on Netty's NIO transport: binds, and on stop stops accepting, lets the
 * connections finish the calls they sent within the grace period, then closes them.
 */
final class NettyRpcServer implements RpcServer {

	private static final Log logger = LogFactory.getLog(NettyRpcServer.class);

	/**
	 * Threads of the server's own call pool: where calls run without an application executor, and
	 * where they run when that executor refuses them. Bounded, as a servlet container's pool is;
	 * idle threads end after a minute.
	 */
	static final int OWN_POOL_THREADS = 200;

	private final RpcServerProperties properties;

	private final JsonRpcCodec codec;

	private final RpcDispatcher dispatcher;

	/** Where calls run; {@code null} for the server's own pool. */
	private final Executor executor;

	private final RpcServerActivity activity;

	private final SslBundles sslBundles;

	private final List<RpcServerCustomizer> customizers;

	/** {@code null} when nobody listens for memory pressure events. */
	private final ApplicationEventPublisher events;

	private EventLoopGroup acceptor;

	private EventLoopGroup workers;

	private ThreadPoolExecutor ownPool;

	private Connections connections;

	private volatile Channel listener;

	NettyRpcServer(RpcServerProperties properties, JsonRpcCodec codec, RpcDispatcher dispatcher, Executor executor,
			RpcServerActivity activity, SslBundles sslBundles, List<RpcServerCustomizer> customizers,
			ApplicationEventPublisher events) {
		this.properties = properties;
		this.codec = codec;
		this.dispatcher = dispatcher;
		this.executor = executor;
		this.activity = activity;
		this.sslBundles = sslBundles;
		this.customizers = List.copyOf(customizers);
		this.events = events;
	}

	@Override
	public synchronized InetSocketAddress start() {
		if (this.listener != null) {
			return address();
		}
		// A missing or unusable bundle fails the start with the reason, before anything is bound.
		ServerTls tls = this.properties.ssl().enabled()
				? new ServerTls(this.sslBundles, this.properties.ssl(), this.activity) : null;
		NettyTransport transport = NettyTransport.select(this.properties.transport());
		this.acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rpc-accept"),
				transport.ioHandlerFactory());
		this.workers = new MultiThreadIoEventLoopGroup(ioThreads(), new DefaultThreadFactory("rpc-io"),
				transport.ioHandlerFactory());
		this.ownPool = new ThreadPoolExecutor(OWN_POOL_THREADS, OWN_POOL_THREADS, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), new DefaultThreadFactory("rpc-call", true));
		this.ownPool.allowCoreThreadTimeOut(true);
		this.connections = new Connections();
		ListenerGuard guard = new ListenerGuard(this.connections);
		MemoryBudget budget = new MemoryBudget(memoryBudget(), this.properties.memory().pressureThreshold(),
				this.activity, this.codec, GlobalEventExecutor.INSTANCE, (underPressure) -> {
					guard.accepting(!underPressure);
					if (this.events != null) {
						this.events.publishEvent(new RpcServerMemoryPressureEvent(this, underPressure,
								this.activity.bufferedBytes(), this.activity.memoryBudget()));
					}
				});
		Executor calls = (this.executor != null) ? this.executor : this.ownPool;
		try {
			ServerBootstrap bootstrap = new ServerBootstrap().group(this.acceptor, this.workers)
				.channel(transport.serverChannel())
				.option(ChannelOption.SO_BACKLOG, 1024)
				.childOption(ChannelOption.TCP_NODELAY, true)
				.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
				.childHandler(new RpcServerInitializer(this.properties, this.codec, this.dispatcher, calls, this.ownPool,
						this.activity, this.connections, budget, tls, this.customizers));
			this.customizers.forEach((customizer) -> customizer.customize(bootstrap));
			// A customizer's own listener handler goes behind the guard, which must see every accept.
			ChannelHandler custom = bootstrap.config().handler();
			bootstrap.handler(new ChannelInitializer<Channel>() {
				@Override
				protected void initChannel(Channel listening) {
					listening.pipeline().addLast("guard", guard);
					if (custom != null) {
						listening.pipeline().addLast(custom);
					}
				}
			});
			this.listener = bootstrap.bind(this.properties.host(), this.properties.port()).syncUninterruptibly().channel();
		}
		catch (RuntimeException ex) {
			shutdown();
			throw new IllegalStateException("JSON-RPC server cannot listen on " + this.properties.host() + ":"
					+ this.properties.port() + ": " + ex.getMessage(), ex);
		}
		logger.info("JSON-RPC server listening on " + address() + " (" + transport.name() + ((tls != null) ? ", TLS on " + tls.providerName() + ", SSL bundle '"
				+ this.properties.ssl().bundle() + "', client-auth "
				+ this.properties.ssl().clientAuth().name().toLowerCase(Locale.ROOT) : "") + ")");
		return address();
	}

	/** The configured budget, else half of what the JVM lets direct buffers use. */
	private long memoryBudget() {
		return (this.properties.memory().budget() != null) ? this.properties.memory().budget().toBytes()
				: PlatformDependent.maxDirectMemory() / 2;
	}

	@Override
	public void stop() {
		Channel listening;
		synchronized (this) {
			listening = this.listener;
			this.listener = null;
		}
		if (listening == null) {
			return;
		}
		InetSocketAddress address = (InetSocketAddress) listening.localAddress();
		listening.close().syncUninterruptibly();
		this.connections.drain();
		if (!this.connections.awaitClosed(this.properties.shutdownGracePeriod().toMillis())) {
			logger.warn("JSON-RPC server grace period of " + this.properties.shutdownGracePeriod() + " is over with "
					+ this.activity.callsInFlight() + " calls in flight; closing their connections");
			this.connections.closeAll();
		}
		shutdown();
		logger.info("JSON-RPC server on " + address + " stopped");
	}

	@Override
	public boolean isRunning() {
		return this.listener != null;
	}

	@Override
	public InetSocketAddress address() {
		Channel listening = this.listener;
		return (listening != null) ? (InetSocketAddress) listening.localAddress() : null;
	}

	@Override
	public RpcServerActivity activity() {
		return this.activity;
	}

	private int ioThreads() {
		return (this.properties.ioThreads() > 0) ? this.properties.ioThreads() : Runtime.getRuntime().availableProcessors();
	}

	private void shutdown() {
		this.acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
		this.workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
		this.ownPool.shutdownNow();
	}

}
