package io.hellorpc.jsonrpc.client;

import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.transport.NettyTransport;
import io.hellorpc.jsonrpc.transport.RpcTransport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * I/O threads for {@link RpcTemplate}s to share, as Reactor Netty's {@code LoopResources}: a few
 * threads serve the connections of many templates, so that the writes and replies of several
 * connections are handled in one wake-up and a hundred templates are not a hundred threads.
 * <p>
 * A template built without resources of its own uses {@link #shared()}, the process's one
 * instance; the auto-configured builder gives every template the application's instance
 * ({@code rpc.client.io-threads}). Closing a template never stops them: whoever made an instance
 * closes it, after the templates that use it.
 * <p>
 * The threads run one {@link RpcTransport transport} for all their connections: by default epoll
 * where available, else NIO ({@code rpc.client.transport}).
 */
public final class RpcClientResources implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(RpcClientResources.class);

	private final EventLoopGroup eventLoops;

	private final NettyTransport transport;

	private final boolean shared;

	/** One I/O thread per CPU, on epoll where available, else NIO. */
	public RpcClientResources() {
		this(0);
	}

	/** {@code ioThreads} I/O threads ({@code 0} means one per CPU), on epoll where available, else NIO. */
	public RpcClientResources(int ioThreads) {
		this(ioThreads, RpcTransport.AUTO);
	}

	/**
	 * {@code ioThreads} I/O threads ({@code 0} means one per CPU) on the given transport.
	 * @throws IllegalStateException when a native transport is asked for and not available, with the reason
	 */
	public RpcClientResources(int ioThreads, RpcTransport transport) {
		this(ioThreads, transport, "rpc-client", false);
	}

	private RpcClientResources(int ioThreads, RpcTransport transport, String threadNames, boolean shared) {
		this.transport = NettyTransport.select(transport);
		int threads = (ioThreads > 0) ? ioThreads : Runtime.getRuntime().availableProcessors();
		this.eventLoops = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadNames, true),
				this.transport.ioHandlerFactory());
		this.shared = shared;
		if (logger.isDebugEnabled()) {
			logger.debug("RPC client I/O: " + threads + " " + threadNames + " threads on " + this.transport.name());
		}
	}

	/**
	 * The process's I/O threads, made on first use: one daemon thread per CPU (named
	 * {@code rpc-client-shared-*}), never stopped; {@link #close()} on them does nothing.
	 */
	public static RpcClientResources shared() {
		return Shared.INSTANCE;
	}

	private static final class Shared {

		static final RpcClientResources INSTANCE = new RpcClientResources(0, RpcTransport.AUTO, "rpc-client-shared", true);

	}

	/** The transport the threads run. */
	public RpcTransport transport() {
		return this.transport.kind();
	}

	NettyTransport nettyTransport() {
		return this.transport;
	}

	EventLoopGroup eventLoops() {
		return this.eventLoops;
	}

	/** Stops these I/O threads (not the {@link #shared()} ones); calls on templates still using them fail. */
	@Override
	public void close() {
		if (!this.shared) {
			this.eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
		}
	}

}
