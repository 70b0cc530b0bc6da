package io.hellorpc.jsonrpc.support;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import io.hellorpc.jsonrpc.server.RpcApplicationException;
import io.hellorpc.jsonrpc.server.RpcEndpoint;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** An application with the services the server tests call. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ TestServices.Handler.class, TestServices.Sleeper.class, TestServices.Gates.class })
public class TestServices {

	/** The Go original's service. */
	@RpcEndpoint
	public static class Handler {

		public Response execute(Request request) {
			if (request.name() == null || request.name().isEmpty()) {
				throw new IllegalArgumentException("A name must be specified");
			}
			return new Response("Hello " + request.name());
		}

		public List<Integer> sum(List<Integer> numbers) {
			return List.of(numbers.stream().mapToInt(Integer::intValue).sum());
		}

		public String thread(String ignored) {
			return Thread.currentThread().toString();
		}

		public String recurse(String name) {
			return recurse(name);
		}

		private final List<String> notes = new CopyOnWriteArrayList<>();

		/** Remembers the text (for notifications, which get no reply to show they ran). */
		public String note(String text) {
			this.notes.add(text);
			return text;
		}

		public List<String> notes() {
			return this.notes;
		}

		/** Fails with a JSON-RPC 2.0 error code and data of its own. */
		public String refuse(String reason) {
			// The reason goes in the data only: error texts never echo what a peer sent (the fuzz target checks them).
			throw new RpcApplicationException(4001, "refused", Map.of("reason", reason));
		}

	}

	public record Request(String name) {
	}

	public record Response(String message) {
	}

	/**
	 * Calls that take as long as they are told to ({@code Slow.Sleep}) or that wait until the test
	 * lets them through ({@code Slow.Hold}), counting how many run at once.
	 */
	@RpcEndpoint(name = "Slow")
	public static class Sleeper {

		private final AtomicInteger running = new AtomicInteger();

		private final AtomicInteger mostAtOnce = new AtomicInteger();

		private final Semaphore gate = new Semaphore(0);

		public String hold(String label) throws InterruptedException {
			this.mostAtOnce.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			try {
				this.gate.acquire();
				return label;
			}
			finally {
				this.running.decrementAndGet();
			}
		}

		/** Lets {@code calls} held calls (now or later) through. */
		public void release(int calls) {
			this.gate.release(calls);
		}

		/** Takes as long as told: for load and drain tests that need calls to take time, never to decide an outcome. */
		public String sleep(Nap nap) throws InterruptedException {
			this.mostAtOnce.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			try {
				Thread.sleep(nap.millis());
				return nap.label();
			}
			finally {
				this.running.decrementAndGet();
			}
		}

		public int running() {
			return this.running.get();
		}

		public int mostAtOnce() {
			return this.mostAtOnce.get();
		}

	}

	public record Nap(long millis, String label) {
	}

	/**
	 * Calls the test stages one by one, each by its own key: a call says it has started (from
	 * inside the method) and {@code Gate.Hold} waits until the test opens its gate, so "the call is
	 * still running" is a fact the test holds, not a sleep; {@code Gate.Fail} says it ran, then throws.
	 */
	@RpcEndpoint(name = "Gate")
	public static class Gates {

		private final Map<String, CountDownLatch> started = new ConcurrentHashMap<>();

		private final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();

		private final Set<String> interrupted = ConcurrentHashMap.newKeySet();

		private final Set<String> returned = ConcurrentHashMap.newKeySet();

		public String hold(String key) throws InterruptedException {
			latch(this.started, key).countDown();
			latch(this.gates, key).await();
			return key;
		}

		public String fail(String key) {
			latch(this.started, key).countDown();
			throw new IllegalArgumentException("failed on purpose");
		}

		/** Says it started, then fails as a broken {@code assert} does: with an {@link Error}, not an exception. */
		public String breakDown(String key) {
			latch(this.started, key).countDown();
			throw new AssertionError();
		}

		/** Says it started, then returns a number that JSON cannot carry. */
		public double notANumber(String key) {
			latch(this.started, key).countDown();
			return Double.NaN;
		}

		/**
		 * As {@code hold}, but an interrupt does not end the wait: it is remembered, and the call goes
		 * on waiting until its gate opens, then returns (a late result).
		 */
		public String holdThroughInterrupt(String key) {
			latch(this.started, key).countDown();
			CountDownLatch gate = latch(this.gates, key);
			while (true) {
				try {
					gate.await();
					break;
				}
				catch (InterruptedException ex) {
					this.interrupted.add(key);
				}
			}
			this.returned.add(key);
			return key;
		}

		/** Whether the {@code holdThroughInterrupt} call with this key was interrupted while it waited. */
		public boolean interrupted(String key) {
			return this.interrupted.contains(key);
		}

		/** Whether the {@code holdThroughInterrupt} call with this key has returned its (late) result. */
		public boolean returned(String key) {
			return this.returned.contains(key);
		}

		/** Whether the call with this key has started (its method is running or has run). */
		public boolean started(String key) {
			return latch(this.started, key).getCount() == 0;
		}

		/** Lets the call with this key (now or later) return. */
		public void open(String key) {
			latch(this.gates, key).countDown();
		}

		private static CountDownLatch latch(Map<String, CountDownLatch> latches, String key) {
			return latches.computeIfAbsent(key, (ignored) -> new CountDownLatch(1));
		}

	}

}
