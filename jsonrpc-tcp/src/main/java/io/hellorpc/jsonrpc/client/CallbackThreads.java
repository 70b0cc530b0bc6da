package io.hellorpc.jsonrpc.client;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a template's {@code callAsync} futures complete unless it is given an executor: a new
 * virtual thread per completion on Java 21+, else a pool of daemon threads that grows as
 * callbacks block. Shut down with the template: from then on it refuses work, and the call
 * completes elsewhere ({@link PendingCall#settle}).
 * <p>
 * The virtual threads are started as {@code Executors.newVirtualThreadPerTaskExecutor()} starts
 * them, but without its set of live threads (an add and a remove on every completion), which a
 * template never needs: it does not wait for its callbacks on close.
 */
final class CallbackThreads implements Executor {

	/** {@code Thread.ofVirtual().factory()}, looked up (this is compiled for 17); {@code null} before 21. */
	private static final ThreadFactory VIRTUAL = virtualThreads();

	private final ThreadFactory virtual;

	private final ExecutorService pool;

	private volatile boolean shutdown;

	private CallbackThreads(ThreadFactory virtual, ExecutorService pool) {
		this.virtual = virtual;
		this.pool = pool;
	}

	/** Virtual threads where the JDK has them, else daemon threads. */
	static CallbackThreads create() {
		return (VIRTUAL != null) ? new CallbackThreads(VIRTUAL, null) : new CallbackThreads(null, daemonPool());
	}

	/** Platform threads even where virtual ones exist (the fallback's tests). */
	static CallbackThreads platform() {
		return new CallbackThreads(null, daemonPool());
	}

	boolean isVirtual() {
		return this.virtual != null;
	}

	@Override
	public void execute(Runnable task) {
		if (this.pool != null) {
			this.pool.execute(task);
			return;
		}
		if (this.shutdown) {
			throw new RejectedExecutionException("the template is closed");
		}
		this.virtual.newThread(task).start();
	}

	/** Refuses work from now on; what runs goes on. */
	void shutdown() {
		this.shutdown = true;
		if (this.pool != null) {
			this.pool.shutdown();
		}
	}

	private static ExecutorService daemonPool() {
		AtomicInteger count = new AtomicInteger();
		return Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "rpc-client-callback-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	private static ThreadFactory virtualThreads() {
		try {
			MethodHandles.Lookup lookup = MethodHandles.publicLookup();
			Class<?> builder = Class.forName("java.lang.Thread$Builder");
			MethodHandle ofVirtual = lookup.findStatic(Thread.class, "ofVirtual",
					MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")));
			MethodHandle factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
			return (ThreadFactory) factory.invoke(ofVirtual.invoke());
		}
		catch (Throwable ex) {
			return null; // Java 17: no virtual threads
		}
	}

}
