package io.hellorpc.jsonrpc.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.hellorpc.jsonrpc.support.FakeReplica;
import io.hellorpc.jsonrpc.support.Replicas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * One template over a fleet of real servers on 127.0.0.2, 127.0.0.3 and 127.0.0.4 sharing one
 * port (issue 22, points 1-3): balancing, re-resolution, failover, every replica down, a replica
 * that refuses calls it never started, a silent one. Which replica answered is counted by the
 * replicas themselves ({@code Fleet.Who}); calls in flight are staged with gates the test holds.
 */
class RpcTemplateFleetTests {

	/** The calls of the spread test, all callers together, and the time they may take at most. */
	private static final int SPREAD_CALLS = 3000;

	private static final Duration SPREAD_CAP = Duration.ofSeconds(90);

	/** A template over {@code addresses} (read again at every resolution), quick to resolve and to reconnect. */
	static RpcTemplateBuilder fleet(Supplier<List<InetSocketAddress>> addresses) {
		return new RpcTemplateBuilder().addresses("fleet", addresses::get)
			.timeout(Duration.ofSeconds(30))
			.resolveInterval(Duration.ofMillis(100))
			.reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
	}

	static RpcTemplateBuilder fleet(List<InetSocketAddress> addresses) {
		List<InetSocketAddress> fixed = List.copyOf(addresses);
		return fleet(() -> fixed);
	}

	/** Calls until every running replica named has answered a call: the template is connected to each. */
	static void untilEachAnswered(RpcTemplate rpc, Replicas replicas, int... indexes) {
		await().until(() -> {
			rpc.call("Fleet.Who", "warm", String.class);
			for (int i : indexes) {
				if (replicas.fleet(i).answered() == 0) {
					return false;
				}
			}
			return true;
		});
	}

	@ParameterizedTest
	@EnumSource(RpcBalancer.class)
	@EnabledForJreRange(min = JRE.JAVA_21)
	void oneTemplateWithSixtyFourCallersSpreadsOverEveryReplica(RpcBalancer balancer) throws Exception {
		try (Replicas replicas = Replicas.start(3); RpcTemplate rpc = fleet(replicas.addresses()).balancer(balancer).build()) {
			// Counted from the moment every connection is up: which replica is ready first is not the balancer's doing.
			untilEachAnswered(rpc, replicas, 0, 1, 2);
			int[] before = { replicas.fleet(0).answered(), replicas.fleet(1).answered(), replicas.fleet(2).answered() };
			Callers callers = Callers.start(64, SPREAD_CALLS, SPREAD_CAP, () -> rpc.call("Fleet.Who", "x", String.class));
			callers.join();
			assertThat(callers.failures()).isEmpty();
			List<Integer> shares = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				shares.add(replicas.fleet(i).answered() - before[i]);
			}
			int answered = shares.stream().mapToInt(Integer::intValue).sum();
			assertThat(answered).isEqualTo(callers.done());
			for (int i = 0; i < 3; i++) {
				assertThat(shares.get(i)).as("calls answered by %s of %d (each replica: %s)", replicas.host(i), answered, shares)
					.isGreaterThanOrEqualTo(answered / 5);
			}
		}
	}

	@Test
	void anAddressAddedToTheResolverGetsCallsAndARemovedOneDrainsItsCallsAndIsClosed() throws Exception {
		try (Replicas replicas = Replicas.start(3)) {
			List<InetSocketAddress> current = new CopyOnWriteArrayList<>(List.of(replicas.address(0), replicas.address(1)));
			AtomicInteger resolutions = new AtomicInteger();
			try (RpcTemplate rpc = fleet(() -> {
				resolutions.incrementAndGet();
				return List.copyOf(current);
			}).build()) {
				untilEachAnswered(rpc, replicas, 0, 1);
				assertThat(replicas.fleet(2).answered()).isZero();
				assertThat(replicas.openConnections(2)).isZero();

				current.add(replicas.address(2));
				untilEachAnswered(rpc, replicas, 2);

				// Calls held in flight, some of them on 127.0.0.3, which is then removed.
				Map<String, CompletableFuture<String>> held = new ConcurrentHashMap<>();
				int onRemoved = 0;
				for (int i = 0; i < 90 && onRemoved < 3; i++) {
					String key = "held-" + i;
					held.put(key, rpc.callAsync("Gate.Hold", key, String.class, Duration.ofMinutes(2)));
					await().until(() -> replicas.startedOn(key) >= 0);
					if (replicas.startedOn(key) == 1) {
						onRemoved++;
					}
				}
				assertThat(onRemoved).isEqualTo(3);
				current.remove(replicas.address(1));
				int seen = resolutions.get();
				// A resolution that began after the removal has been applied once the one after it begins.
				await().until(() -> resolutions.get() >= seen + 2);

				int answeredBefore = replicas.fleet(1).answered();
				for (int i = 0; i < 60; i++) {
					assertThat(rpc.call("Fleet.Who", "after-removal", String.class)).isIn(replicas.host(0), replicas.host(2));
				}
				assertThat(replicas.fleet(1).answered()).isEqualTo(answeredBefore);
				// Drained, not dropped: its connection stays while its calls are in flight, which then get their own results.
				assertThat(replicas.openConnections(1)).isEqualTo(1);
				held.keySet().forEach(replicas::openEverywhere);
				held.forEach((key, call) -> assertThat(call).succeedsWithin(Duration.ofMinutes(1)).isEqualTo(key));
				await().until(() -> replicas.openConnections(1) == 0);
			}
		}
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void withoutRetriesOnlyTheCallsInFlightOnAKilledReplicaFailAndRestartedItServesAgain() throws Exception {
		try (Replicas replicas = Replicas.start(3); RpcTemplate rpc = fleet(replicas.addresses()).build()) {
			untilEachAnswered(rpc, replicas, 0, 1, 2);
			// 64 callers, each with one call held in flight: nothing else is in flight when 127.0.0.2 is killed.
			Map<String, CompletableFuture<String>> held = holdSixtyFour(rpc, replicas);
			List<String> onKilled = held.keySet().stream().filter((key) -> replicas.startedOn(key) == 0).toList();
			assertThat(onKilled).isNotEmpty();
			replicas.kill(0);
			// Exactly the calls in flight on it fail (written, not idempotent: they cannot be sent again)...
			for (String key : onKilled) {
				assertThat(held.get(key)).failsWithin(Duration.ofMinutes(1))
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(RpcConnectionException.class);
			}
			// ...the others get their results...
			held.keySet().forEach(replicas::openEverywhere);
			held.forEach((key, call) -> {
				if (!onKilled.contains(key)) {
					assertThat(call).succeedsWithin(Duration.ofMinutes(1)).isEqualTo(key);
				}
			});
			// ...and once the template has seen it die, callers going on while it is down see no failure.
			Callers callers = Callers.start(64, 1000, Duration.ofMinutes(2), () -> rpc.call("Fleet.Who", "x", String.class));
			callers.join();
			assertThat(callers.failures()).isEmpty();
			assertThat(callers.done()).isEqualTo(1000);

			replicas.restart(0);
			untilEachAnswered(rpc, replicas, 0);
		}
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void withIdempotentMethodsNoCallFailsWhenAReplicaIsKilledUnderLoad() throws Exception {
		// A budget large enough for every call in flight on the killed replica (the budget has a test of its own).
		try (Replicas replicas = Replicas.start(3);
				RpcTemplate rpc = fleet(replicas.addresses()).idempotentMethods(List.of("Gate.Hold", "Fleet.Who"))
					.retryBudget(1000, 0.1)
					.build()) {
			untilEachAnswered(rpc, replicas, 0, 1, 2);
			Map<String, CompletableFuture<String>> held = holdSixtyFour(rpc, replicas);
			assertThat(held.keySet().stream().filter((key) -> replicas.startedOn(key) == 0)).isNotEmpty();
			// These callers run through the kill: some of their calls are in flight on 127.0.0.2 when it dies.
			Callers callers = Callers.start(64, 2000, Duration.ofMinutes(2), () -> rpc.call("Fleet.Who", "x", String.class));
			await().until(() -> callers.done() >= 200);
			replicas.kill(0);
			// The held calls retried on the others pass their gates there.
			held.keySet().forEach(replicas::openEverywhere);
			held.forEach((key, call) -> assertThat(call).succeedsWithin(Duration.ofMinutes(1)).isEqualTo(key));
			callers.join();
			assertThat(callers.failures()).isEmpty();
			assertThat(callers.done()).isEqualTo(2000);

			replicas.restart(0);
			untilEachAnswered(rpc, replicas, 0);
		}
	}

	@Test
	void withEveryReplicaDownACallWaitsForOneToComeBack() throws Exception {
		try (Replicas replicas = Replicas.start(3); RpcTemplate rpc = fleet(replicas.addresses()).build()) {
			untilEachAnswered(rpc, replicas, 0, 1, 2);
			replicas.kill(0);
			replicas.kill(1);
			replicas.kill(2);
			// The template has found them all down...
			await().untilAsserted(() -> assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> rpc.call("Fleet.Who", "down", String.class, Duration.ofMillis(300)))
				.withMessageStartingWith("cannot reach fleet within 300 ms: "));
			// ...and a call made now waits rather than failing at once: one replica back, it is answered.
			CompletableFuture<String> waiting = rpc.callAsync("Fleet.Who", "waiting", String.class, Duration.ofMinutes(2));
			replicas.restart(1);
			assertThat(waiting).succeedsWithin(Duration.ofMinutes(2)).isEqualTo(replicas.host(1));
		}
	}

	@Test
	void withEveryReplicaDownACallFailsAtItsDeadlineNamingEachAddressAndWhy() {
		try (Replicas replicas = Replicas.start(3)) {
			replicas.kill(0);
			replicas.kill(1);
			replicas.kill(2);
			int port = replicas.port();
			try (RpcTemplate rpc = fleet(replicas.addresses()).build()) {
				assertThatExceptionOfType(RpcConnectionException.class)
					.isThrownBy(() -> rpc.call("Fleet.Who", "x", String.class, Duration.ofMillis(500)))
					.withMessage("cannot reach fleet within 500 ms: 127.0.0.2:" + port + " (Connection refused), 127.0.0.3:" + port
							+ " (Connection refused), 127.0.0.4:" + port + " (Connection refused)");
				assertThat(rpc.pendingCalls()).isZero();
			}
		}
	}

	@Test
	void aCallTheServerDidNotStartIsAnsweredByAnotherReplicaAndThatConnectionTakesNoNewCalls() {
		try (Replicas replicas = Replicas.start(2);
				FakeReplica refusing = FakeReplica.refusing("server is shutting down");
				RpcTemplate rpc = fleet(List.of(refusing.address(), replicas.address(0), replicas.address(1)))
					.balancer(RpcBalancer.ROUND_ROBIN)
					.build()) {
			List<String> answers = new ArrayList<>();
			// One call at a time, so that the refused request is the only one on that connection when refused.
			for (int i = 0; i < 90 && refusing.requests() == 0; i++) {
				answers.add(rpc.call("Fleet.Who", "x", String.class));
			}
			assertThat(refusing.requests()).isEqualTo(1);
			FakeReplica.Connection refused = refusing.connections().get(0);
			await().until(refused::closedByPeer);
			for (int i = 0; i < 30; i++) {
				answers.add(rpc.call("Fleet.Who", "x", String.class));
			}
			assertThat(answers).allSatisfy((answer) -> assertThat(answer).isIn(replicas.host(0), replicas.host(1)));
			assertThat(refused.requests()).isEqualTo(1);
		}
	}

	@Test
	void afterThreeDeadlineExpiriesOnASilentReplicaNoNewCallsGoThere() {
		try (Replicas replicas = Replicas.start(2);
				FakeReplica silent = FakeReplica.silent();
				RpcTemplate rpc = fleet(List.of(silent.address(), replicas.address(0), replicas.address(1)))
					.maxConsecutiveTimeouts(3)
					.build()) {
			int timeouts = 0;
			for (int i = 0; i < 300 && silent.requests() < 3; i++) {
				try {
					rpc.call("Fleet.Who", "x", String.class, Duration.ofMillis(500));
				}
				catch (RpcTimeoutException ex) {
					timeouts++;
				}
			}
			assertThat(silent.requests()).isEqualTo(3);
			assertThat(timeouts).isGreaterThanOrEqualTo(3);
			// Marked dead: the others answer every call from now on, and it receives none.
			int answered = replicas.fleet(0).answered() + replicas.fleet(1).answered();
			for (int i = 0; i < 60; i++) {
				assertThat(rpc.call("Fleet.Who", "x", String.class)).isIn(replicas.host(0), replicas.host(1));
			}
			assertThat(replicas.fleet(0).answered() + replicas.fleet(1).answered()).isEqualTo(answered + 60);
			assertThat(silent.requests()).isEqualTo(3);
		}
	}

	/** One held call (Gate.Hold) from each of 64 callers, all started on some replica before this returns. */
	private static Map<String, CompletableFuture<String>> holdSixtyFour(RpcTemplate rpc, Replicas replicas) {
		Map<String, CompletableFuture<String>> held = new ConcurrentHashMap<>();
		for (int i = 0; i < 64; i++) {
			String key = "held-" + i;
			held.put(key, rpc.callAsync("Gate.Hold", key, String.class, Duration.ofMinutes(3)));
		}
		await().until(() -> held.keySet().stream().allMatch((key) -> replicas.startedOn(key) >= 0));
		return held;
	}

	/** Virtual-thread callers sharing a bounded count of calls and a time cap, collecting what failed. */
	static final class Callers {

		private final List<Thread> threads = new ArrayList<>();

		private final AtomicInteger done = new AtomicInteger();

		private final List<Throwable> failures = new CopyOnWriteArrayList<>();

		static Callers start(int count, int calls, Duration cap, Runnable call) throws ReflectiveOperationException {
			// Java 21+; this class is compiled for 17, so the factory is looked up at run time.
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			ThreadFactory virtual = (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
			Callers callers = new Callers();
			AtomicInteger claimed = new AtomicInteger();
			long end = System.nanoTime() + cap.toNanos();
			for (int i = 0; i < count; i++) {
				Thread thread = virtual.newThread(() -> {
					while (claimed.getAndIncrement() < calls && System.nanoTime() < end) {
						try {
							call.run();
							callers.done.incrementAndGet();
						}
						catch (RuntimeException ex) {
							callers.failures.add(ex);
						}
					}
				});
				callers.threads.add(thread);
				thread.start();
			}
			return callers;
		}

		void join() throws InterruptedException {
			for (Thread thread : this.threads) {
				thread.join();
			}
		}

		int done() {
			return this.done.get();
		}

		List<Throwable> failures() {
			return this.failures;
		}

	}

}
