package io.hellorpc.jsonrpc.client;

import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * I/O threads for {@link RpcTemplate}s to share, as Reactor Netty's {@code LoopResources}: a few
 * threads serve the connections of many templates, so that the writes and replies of several
 * connections are handled in one wake-up and a hundred templates are not a hundred threads.
 * <p>
 * A template built without resources of its own uses {@link #shared()}, the process's one
 * instance; the auto-configured builder gives every template the application's instance
 * ({@code rpc.client.io-threads}). Closing a template never stops them: whoever made an instance
 * closes it, after the templates that use it.
 */
public final class RpcClientResources implements AutoCloseable {

	private final EventLoopGroup eventLoops;

	private final boolean shared;

	/** One I/O thread per CPU. */
	public RpcClientResources() {
		this(0);
	}

	/** {@code ioThreads} I/O threads; {@code 0} means one per CPU. */
	public RpcClientResources(int ioThreads) {
		this(ioThreads, "rpc-client", false);
	}

	private RpcClientResources(int ioThreads, String threadNames, boolean shared) {
		this.eventLoops = new MultiThreadIoEventLoopGroup(
				(ioThreads > 0) ? ioThreads : Runtime.getRuntime().availableProcessors(),
				new DefaultThreadFactory(threadNames, true), NioIoHandler.newFactory());
		this.shared = shared;
	}

	/**
	 * The process's I/O threads, made on first use: one daemon thread per CPU (named
	 * {@code rpc-client-shared-*}), never stopped; {@link #close()} on them does nothing.
	 */
	public static RpcClientResources shared() {
		return Shared.INSTANCE;
	}

	private static final class Shared {

		static final RpcClientResources INSTANCE = new RpcClientResources(0, "rpc-client-shared", true);

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
