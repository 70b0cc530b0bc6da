package io.hellorpc.jsonrpc.client;

import java.util.concurrent.TimeUnit;

import io.netty.channel.EventLoopGroup;

/**
 * I/O threads for many {@link RpcTemplate}s to share, as Reactor Netty's loop resources are
 * shared by HTTP clients: fewer threads than one per template, so the writes and replies of
 * several connections are handled in one wake-up. The auto-configured builder gives every template
 * the application's one instance ({@code rpc.client.io-threads}); a template built without one
 * has a thread of its own. Close it after the templates that use it.
 */
public final class RpcClientResources implements AutoCloseable {

	private final EventLoopGroup eventLoops;

	/** One I/O thread per CPU. */
	public RpcClientResources() {
		this(0);
	}

	/** {@code ioThreads} I/O threads; {@code 0} means one per CPU. */
	public RpcClientResources(int ioThreads) {
		// PROTOTYPE (bench branch): -Drpc.client.io=virtual runs them as virtual threads
		this.eventLoops = VirtualThreadIoEventLoops.create(
				(ioThreads > 0) ? ioThreads : Runtime.getRuntime().availableProcessors(), "rpc-client");
	}

	EventLoopGroup eventLoops() {
		return this.eventLoops;
	}

	@Override
	public void close() {
		this.eventLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

}
