package io.hellorpc.jsonrpc.client;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The last safety net under the {@link CallDeadlines deadline wheel}: once a second, on a daemon
 * thread of its own, every call still pending a second past its deadline is timed out as the
 * wheel would have timed it out. Nothing of it is on a call's path (each template's calls are
 * watched from its creation, weakly, and looked at once a second), so a blocking caller's park
 * need not be timed to be sure to end.
 */
final class OverdueCallSweeper {

	/** How late past its deadline a call is taken for missed by the wheel. */
	static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

	/** How often the pending calls are looked at. */
	private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final Log logger = LogFactory.getLog(OverdueCallSweeper.class);

	private static final Set<PendingCalls> WATCHED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	private OverdueCallSweeper() {
	}

	/** Watches a template's calls from now on, for as long as the template is reachable. */
	static void watch(PendingCalls calls) {
		WATCHED.add(calls);
		Sweeping.ensureStarted();
	}

	/** Times out every watched call overdue by more than the grace at {@code nowNanos}; how many there were. */
	static int sweep(long nowNanos) {
		List<PendingCalls> watched;
		synchronized (WATCHED) {
			watched = List.copyOf(WATCHED);
		}
		int overdue = 0;
		for (PendingCalls calls : watched) {
			overdue += calls.expireOverdue(nowNanos - GRACE_NANOS);
		}
		return overdue;
	}

	private static final class Sweeping {

		private static final Thread THREAD = start();

		/** Loading this class starts the thread, once. */
		static void ensureStarted() {
			THREAD.getClass();
		}

		private static Thread start() {
			Thread thread = new Thread(Sweeping::run, "rpc-client-overdue-calls");
			thread.setDaemon(true);
			thread.setContextClassLoader(OverdueCallSweeper.class.getClassLoader()); // never pin the first caller's
			thread.start();
			return thread;
		}

		/** Never ends: an interrupt or a failure is only a sweep skipped. */
		private static void run() {
			while (true) {
				try {
					TimeUnit.NANOSECONDS.sleep(INTERVAL_NANOS);
					int overdue = sweep(System.nanoTime());
					if (overdue > 0) {
						logger.warn(overdue + " RPC call(s) outlived their deadline by more than a second (the deadline wheel "
								+ "missed them): timed out now");
					}
				}
				catch (Throwable ex) {
					// nothing may stop the net: whatever failed is tried again next time
					logger.error("RPC client: sweeping overdue calls failed", ex);
				}
			}
		}

	}

}
