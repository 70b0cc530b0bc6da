package io.hellorpc.jsonrpc.client;

import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * PROTOTYPE (issue 21, point 8; the bench branch): I/O event loops that run as long-running
 * virtual threads on the callers' carriers rather than on platform threads of their own, so that
 * a reply wakes its caller without an OS-thread switch (Vert.x's pull request 6047 does this for
 * its NIO transport). Each loop is a Netty {@link ManualIoEventLoop} with an {@link NioIoHandler},
 * driven by one virtual thread: it runs the loop without blocking ({@code runNow()}) and yields
 * to the callers after each turn; only after {@value #IDLE_TURNS} turns in a row with nothing
 * to do does it block in the selector ({@code run(waitNanos)}, woken early by any task or
 * {@code wakeup()}), which pins its carrier meanwhile (the JDK compensates with another carrier).
 * <p>
 * Chosen with {@code -Drpc.client.io=virtual} (see {@link #create}); Java 21+ only, this class
 * being compiled for 17 looks virtual threads up at run time.
 */
final class VirtualThreadIoEventLoops extends MultiThreadIoEventLoopGroup {

	/** The system property choosing the client's I/O threads: {@code platform} (the default) or {@code virtual}. */
	static final String PROPERTY = "rpc.client.io";

	/** Turns with nothing to do before the loop blocks in its selector. */
	private static final int IDLE_TURNS = 64;

	/** The longest block in the selector: the loop's own scheduled tasks (deadline sweeps) are due at least this often. */
	private static final long MAX_BLOCK_NANOS = 10_000_000;

	private static final AtomicInteger POOLS = new AtomicInteger();

	private static final AtomicInteger CHILDREN = new AtomicInteger();

	private VirtualThreadIoEventLoops(int loops) {
		super(loops, (Executor) null, NioIoHandler.newFactory(), "rpc-client-vio-" + POOLS.incrementAndGet());
	}

	/**
	 * The client's event loops, {@code loops} of them: virtual-thread ones where
	 * {@code -Drpc.client.io=virtual} asks for them, else platform daemon threads named {@code name}.
	 */
	static EventLoopGroup create(int loops, String name) {
		if ("virtual".equals(System.getProperty(PROPERTY))) {
			return new VirtualThreadIoEventLoops(loops);
		}
		return new MultiThreadIoEventLoopGroup(loops, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
	}

	/** Called by the super constructor, once per loop: so nothing here may read this class's fields. */
	@Override
	protected IoEventLoop newChild(Executor unused, IoHandlerFactory ioHandlerFactory, Object... args) {
		String name = args[args.length - 1] + "-" + CHILDREN.incrementAndGet();
		Thread[] owner = new Thread[1];
		ManualIoEventLoop[] loop = new ManualIoEventLoop[1];
		owner[0] = unstartedVirtualThread(name, () -> drive(loop[0]));
		loop[0] = new ManualIoEventLoop(this, owner[0], ioHandlerFactory);
		owner[0].start();
		return loop[0];
	}

	/** The loop's one thread: non-blocking turns that yield to the callers, a blocking select when idle. */
	private static void drive(ManualIoEventLoop loop) {
		int idle = 0;
		while (!loop.isTerminated()) {
			try {
				if (loop.runNow() > 0) {
					idle = 0;
				}
				else if (++idle >= IDLE_TURNS) {
					loop.run(MAX_BLOCK_NANOS);
					idle = 0;
					continue;
				}
			}
			catch (RuntimeException ex) {
				// as SingleThreadIoEventLoop does: a task's failure never stops the loop
			}
			Thread.yield();
		}
	}

	private static Thread unstartedVirtualThread(String name, Runnable task) {
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			Class<?> type = Class.forName("java.lang.Thread$Builder");
			Method named = type.getMethod("name", String.class);
			Method unstarted = type.getMethod("unstarted", Runnable.class);
			return (Thread) unstarted.invoke(named.invoke(builder, name), task);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("-D" + PROPERTY + "=virtual needs Java 21+ (virtual threads)", ex);
		}
	}

}
