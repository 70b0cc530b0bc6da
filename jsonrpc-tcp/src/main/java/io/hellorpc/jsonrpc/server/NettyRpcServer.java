package io.hellorpc.jsonrpc.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ssl.SslBundles;

/**
 * The JSON-RPC listener on Netty's NIO transport: binds, and on stop stops accepting, lets the
 * connections finish the calls they sent within the grace period, then closes them.
 */
public final class NettyRpcServer {

	private static final Log logger = LogFactory.getLog(NettyRpcServer.class);

	private final RpcServerProperties properties;

	private final JsonRpcCodec codec;

	private final RpcDispatcher dispatcher;

	/** Where calls run; {@code null} for a pool of the server's own, made on start and shut down on stop. */
	private final Executor executor;

	private final List<RpcServerCustomizer> customizers;

	private ExecutorService ownExecutor;

	private final RpcServerActivity activity;

	private final SslBundles sslBundles;

	private EventLoopGroup acceptor;

	private EventLoopGroup workers;

	private ChannelGroup connections;

	private Channel listener;

	/**
	 * @param executor where calls run; {@code null} gives the server a pool of its own (daemon
	 * threads {@code rpc-call-N}), shut down when it stops
	 * @param sslBundles where {@code rpc.server.ssl.bundle} is looked up; may be {@code null} when
	 * the listener is plain TCP
	 */
	public NettyRpcServer(RpcServerProperties properties, JsonRpcCodec codec, RpcDispatcher dispatcher,
			Executor executor, RpcServerActivity activity, SslBundles sslBundles, List<RpcServerCustomizer> customizers) {
		this.sslBundles = sslBundles;
		this.customizers = List.copyOf(customizers);
		this.properties = properties;
		this.codec = codec;
		this.dispatcher = dispatcher;
		this.executor = executor;
		this.activity = activity;
	}

	/** Binds and starts accepting; returns the bound address (with the real port when 0 was asked). */
	public synchronized InetSocketAddress start() {
		if (this.listener != null) {
			return address();
		}
		// A missing or unusable bundle fails the start with the reason, before anything is bound.
		ServerTls tls = this.properties.ssl().enabled()
				? new ServerTls(this.sslBundles, this.properties.ssl(), this.activity) : null;
		this.acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("rpc-accept"),
				NioIoHandler.newFactory());
		this.workers = new MultiThreadIoEventLoopGroup(ioThreads(),
				new DefaultThreadFactory("rpc-io"), NioIoHandler.newFactory());
		this.connections = new DefaultChannelGroup("rpc-connections", GlobalEventExecutor.INSTANCE);
		Executor callExecutor = this.executor;
		if (callExecutor == null) {
			this.ownExecutor = Executors.newCachedThreadPool(new DefaultThreadFactory("rpc-call", true));
			callExecutor = this.ownExecutor;
		}
		try {
			ServerBootstrap bootstrap = new ServerBootstrap().group(this.acceptor, this.workers)
				.channel(NioServerSocketChannel.class)
				.option(ChannelOption.SO_BACKLOG, 1024)
				.childOption(ChannelOption.TCP_NODELAY, true)
				.childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
				.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark())
				.childHandler(new RpcServerInitializer(this.properties, this.codec, this.dispatcher, callExecutor,
						this.activity, this.connections, tls, this.customizers));
			this.customizers.forEach((customizer) -> customizer.customize(bootstrap));
			this.listener = bootstrap.bind(this.properties.host(), this.properties.port())
				.syncUninterruptibly()
				.channel();
		}
		catch (RuntimeException ex) {
			shutdownEventLoops();
			throw new IllegalStateException("JSON-RPC server cannot listen on " + this.properties.host() + ":"
					+ this.properties.port() + ": " + ex.getMessage(), ex);
		}
		logger.info("JSON-RPC server listening on " + address()
				+ ((tls != null) ? " (TLS, SSL bundle '" + this.properties.ssl().bundle() + "', client-auth "
						+ this.properties.ssl().clientAuth().name().toLowerCase(java.util.Locale.ROOT) + ")" : ""));
		return address();
	}

	/** Stops accepting, drains the connections within the grace period, then closes everything. */
	public synchronized void stop() {
		if (this.listener == null) {
			return;
		}
		InetSocketAddress address = address();
		this.listener.close().syncUninterruptibly();
		this.listener = null;
		this.connections
			.forEach((connection) -> connection.pipeline().fireUserEventTriggered(RpcConnectionHandler.DRAIN));
		boolean drained = this.connections.newCloseFuture()
			.awaitUninterruptibly(this.properties.shutdownGracePeriod().toMillis());
		if (!drained) {
			logger.warn("JSON-RPC server grace period of " + this.properties.shutdownGracePeriod() + " is over with "
					+ this.activity.callsInFlight() + " calls in flight; closing their connections");
			this.connections.close().awaitUninterruptibly();
		}
		shutdownEventLoops();
		logger.info("JSON-RPC server on " + address + " stopped");
	}

	public synchronized boolean isRunning() {
		return this.listener != null;
	}

	/** The bound address, or {@code null} when not listening. */
	public synchronized InetSocketAddress address() {
		return (this.listener != null) ? (InetSocketAddress) this.listener.localAddress() : null;
	}

	/** Reply bytes written and not yet taken by peers, over all connections (an estimate; for tests). */
	long pendingOutboundBytes() {
		ChannelGroup open = this.connections;
		long total = 0;
		if (open != null) {
			for (Channel connection : open) {
				var buffer = connection.unsafe().outboundBuffer();
				total += (buffer != null) ? buffer.totalPendingWriteBytes() : 0;
			}
		}
		return total;
	}

	public RpcServerActivity activity() {
		return this.activity;
	}

	private WriteBufferWaterMark waterMark() {
		int high = (int) this.properties.outboundHighWaterMark().toBytes();
		return new WriteBufferWaterMark(high / 2, high);
	}

	private int ioThreads() {
		return (this.properties.ioThreads() > 0) ? this.properties.ioThreads()
				: Runtime.getRuntime().availableProcessors();
	}

	private void shutdownEventLoops() {
		this.acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
		this.workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
		if (this.ownExecutor != null) {
			this.ownExecutor.shutdownNow();
			this.ownExecutor = null;
		}
	}

	/** Whether calls run on a pool of the server's own (no executor was given) that is up now. */
	boolean hasOwnExecutor() {
		return this.ownExecutor != null && !this.ownExecutor.isShutdown();
	}

}
