package io.hellorpc.jsonrpc.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * On the listening socket: counts each accepted connection in, pauses accepting while the server
 * is under memory pressure, and when accepting fails (out of file descriptors, most often) pauses
 * for a second and says so in one sentence, at most once a minute, instead of Netty's warning
 * once a second. Accepting resumes by itself. Listener event loop only, but for {@link #accepting}.
 */
@ChannelHandler.Sharable
final class ListenerGuard extends ChannelInboundHandlerAdapter {

	private static final Log logger = LogFactory.getLog(ListenerGuard.class);

	private static final long RETRY_MILLIS = 1000;

	private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final Connections connections;

	private ChannelHandlerContext listener;

	private boolean memoryPressure;

	private boolean acceptFailed;

	private long lastWarning;

	ListenerGuard(Connections connections) {
		this.connections = connections;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.listener = ctx;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object connection) {
		this.connections.accepted();
		ctx.fireChannelRead(connection);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		long now = System.nanoTime();
		if (this.lastWarning == 0 || now - this.lastWarning >= WARN_EVERY_NANOS) {
			this.lastWarning = now;
			logger.warn(describe(cause));
		}
		this.acceptFailed = true;
		apply();
		ctx.executor().schedule(() -> {
			this.acceptFailed = false;
			apply();
		}, RETRY_MILLIS, TimeUnit.MILLISECONDS);
	}

	/** From any thread: accept new connections or not (memory pressure). */
	void accepting(boolean accept) {
		ChannelHandlerContext ctx = this.listener;
		if (ctx != null) {
			ctx.executor().execute(() -> {
				this.memoryPressure = !accept;
				apply();
			});
		}
	}

	private void apply() {
		boolean accept = !this.memoryPressure && !this.acceptFailed;
		if (this.listener.channel().config().isAutoRead() != accept) {
			this.listener.channel().config().setAutoRead(accept);
		}
	}

	private static String describe(Throwable cause) {
		String limit = "";
		try {
			// The limit only: counting the open ones would need a descriptor of its own.
			if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
				limit = " (ulimit -n is " + os.getMaxFileDescriptorCount() + ")";
			}
		}
		catch (RuntimeException | Error ex) {
			limit = " (ulimit -n)";
		}
		if (cause instanceof IOException && String.valueOf(cause.getMessage()).contains("open files")) {
			return "JSON-RPC server cannot accept connections: the process is out of file descriptors" + limit
					+ "; accepting is paused and resumes by itself when descriptors free up (raise ulimit -n, or lower "
					+ "rpc.server.max-connections)";
		}
		return "JSON-RPC server cannot accept connections: " + cause + limit
				+ "; accepting is paused and resumes by itself, retried every second";
	}

}
