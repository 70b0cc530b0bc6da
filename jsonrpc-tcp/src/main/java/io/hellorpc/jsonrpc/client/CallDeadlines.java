package io.hellorpc.jsonrpc.client;

import java.util.concurrent.TimeUnit;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The one timer that holds every call's deadline in the process: a hashed wheel, so that setting
 * and cancelling a deadline is O(1) however many calls wait, and a task that throws is logged by
 * the wheel and never stops the deadlines of other calls. Its thread is a daemon, started on
 * first use.
 */
final class CallDeadlines {

	/** A deadline fires at most this late. */
	private static final long TICK_MILLIS = 10;

	private CallDeadlines() {
	}

	private static final class Holder {

		static final HashedWheelTimer TIMER = new HashedWheelTimer(new DefaultThreadFactory("rpc-client-deadlines", true),
				TICK_MILLIS, TimeUnit.MILLISECONDS, 512);

	}

	/** The process's wheel, started on first use. */
	static Timer wheel() {
		return Holder.TIMER;
	}

}
