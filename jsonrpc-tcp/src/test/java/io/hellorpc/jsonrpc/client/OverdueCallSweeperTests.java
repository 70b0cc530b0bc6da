package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import io.netty.util.TimerTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The net under the deadline wheel: a blocking caller parks untimed, so a deadline the wheel never
 * fires must still end its wait.
 */
class OverdueCallSweeperTests {

	@Test
	void aBlockingCallWhoseDeadlineTheWheelNeverFiresTimesOutAnywayOnAPlatformThread() {
		assertTimesOutWithoutTheWheel(Thread::new);
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void aBlockingCallWhoseDeadlineTheWheelNeverFiresTimesOutAnywayOnAVirtualThread() throws Exception {
		Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
		assertTimesOutWithoutTheWheel(
				(ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder));
	}

	@Test
	void aSweepTimesOutOnlyTheCallsPastTheCutOff() {
		PendingCalls calls = new PendingCalls(10, "127.0.0.1:1", PendingCall::timeout, new WheelThatNeverFires());
		long now = System.nanoTime();
		// Deadlines far off, so that the process's own sweeper (it watches these calls too) never comes first.
		PendingCall soon = PendingCall.blocking(calls.nextId(), "Handler.Execute", new byte[0], false, false,
				now + TimeUnit.MINUTES.toNanos(1), 60_000, "127.0.0.1:1");
		PendingCall later = PendingCall.blocking(calls.nextId(), "Handler.Execute", new byte[0], false, false,
				now + TimeUnit.MINUTES.toNanos(10), 600_000, "127.0.0.1:1");
		calls.add(soon);
		calls.add(later);

		assertThat(calls.expireOverdue(now)).isZero();
		assertThat(calls.size()).isEqualTo(2);

		assertThat(calls.expireOverdue(now + TimeUnit.MINUTES.toNanos(2))).isEqualTo(1);
		assertThat(calls.expireOverdue(now + TimeUnit.MINUTES.toNanos(2))).as("expired once").isZero();
		assertThat(calls.size()).isEqualTo(1);
		assertThat(calls.get(later.id)).isSameAs(later);
		assertThat(calls.get(soon.id)).isNull();
	}

	private static void assertTimesOutWithoutTheWheel(ThreadFactory threads) {
		PendingCalls calls = new PendingCalls(10, "127.0.0.1:1", PendingCall::timeout, new WheelThatNeverFires());
		CompletableFuture<Throwable> outcome = new CompletableFuture<>();
		Thread caller = threads.newThread(() -> {
			PendingCall call = PendingCall.blocking(calls.nextId(), "Handler.Execute", new byte[0], false, false,
					System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50), 50, "127.0.0.1:1");
			calls.add(call);
			try {
				call.await(calls);
				outcome.complete(null);
			}
			catch (RuntimeException ex) {
				outcome.complete(ex);
			}
		});
		caller.setDaemon(true); // should the net fail, a caller parked for good must not hold the JVM
		caller.start();
		// The sweeper looks once a second at calls a second overdue: well within this, however slow the machine.
		await().atMost(Duration.ofSeconds(30)).until(outcome::isDone);
		assertThat(outcome.join()).isInstanceOf(RpcTimeoutException.class)
			.hasMessage("Handler.Execute to 127.0.0.1:1 got no reply within 50 ms");
		assertThat(calls.size()).isZero();
	}

	/** A wheel that takes every deadline and never runs one. */
	private static final class WheelThatNeverFires implements Timer {

		@Override
		public Timeout newTimeout(TimerTask task, long delay, TimeUnit unit) {
			return new Timeout() {

				private volatile boolean cancelled;

				@Override
				public Timer timer() {
					return WheelThatNeverFires.this;
				}

				@Override
				public TimerTask task() {
					return task;
				}

				@Override
				public boolean isExpired() {
					return false;
				}

				@Override
				public boolean isCancelled() {
					return this.cancelled;
				}

				@Override
				public boolean cancel() {
					this.cancelled = true;
					return true;
				}

			};
		}

		@Override
		public Set<Timeout> stop() {
			return Set.of();
		}

	}

}
