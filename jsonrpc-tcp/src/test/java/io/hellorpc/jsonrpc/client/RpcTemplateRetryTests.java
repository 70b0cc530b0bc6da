package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.hellorpc.jsonrpc.support.Replicas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.hellorpc.jsonrpc.client.RpcTemplateFleetTests.fleet;
import static io.hellorpc.jsonrpc.client.RpcTemplateFleetTests.untilEachAnswered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Retries over a fleet of real servers (issue 22, point 4): a call whose connection dies after
 * the server read it ({@code Fleet.DieOn} resets the connections of the replica named,
 * {@code Fleet.Die} those of any replica), counted by the replicas that started it.
 */
class RpcTemplateRetryTests {

	/** Calls {@code Fleet.DieOn 127.0.0.2} one at a time until one has reached it; the answers of all. */
	private static List<String> untilOneReachedTheFirst(Replicas replicas, Caller call) {
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < 90 && replicas.fleet(0).dieStarted() == 0; i++) {
			answers.add(call.dieOn(replicas.host(0)));
		}
		return answers;
	}

	@Test
	void anIdempotentMethodWhoseConnectionDiesAfterTheRequestWasReadIsAnsweredByAnotherReplica() {
		try (Replicas replicas = Replicas.start(3);
				RpcTemplate rpc = fleet(replicas.addresses()).idempotentMethods(List.of("Fleet.DieOn"))
					.balancer(RpcBalancer.ROUND_ROBIN)
					.build()) {
			untilEachAnswered(rpc, replicas, 0, 1, 2);
			List<String> answers = untilOneReachedTheFirst(replicas, (host) -> rpc.call("Fleet.DieOn", host, String.class));
			assertThatTheCallThatDiedWasAnsweredElsewhere(replicas, answers);
		}
	}

	interface DyingService {

		@RpcExchange(value = "Fleet.DieOn", idempotent = true)
		String dieOn(String host);

	}

	@Test
	void aProxyMethodMarkedIdempotentIsRetriedLikeTheIdempotentMethods() {
		try (Replicas replicas = Replicas.start(3);
				RpcTemplate rpc = fleet(replicas.addresses()).balancer(RpcBalancer.ROUND_ROBIN).build()) {
			untilEachAnswered(rpc, replicas, 0, 1, 2);
			DyingService service = RpcServiceProxyFactory.of(rpc).createClient(DyingService.class);
			List<String> answers = untilOneReachedTheFirst(replicas, service::dieOn);
			assertThatTheCallThatDiedWasAnsweredElsewhere(replicas, answers);
		}
	}

	private static void assertThatTheCallThatDiedWasAnsweredElsewhere(Replicas replicas, List<String> answers) {
		assertThat(replicas.fleet(0).dieStarted()).isEqualTo(1);
		assertThat(answers).allSatisfy((answer) -> assertThat(answer).isIn(replicas.host(1), replicas.host(2)));
		// Every call was answered once by the others, the one that died on 127.0.0.2 included.
		assertThat(replicas.fleet(1).dieStarted() + replicas.fleet(2).dieStarted()).isEqualTo(answers.size());
	}

	@Test
	void aMethodNotDeclaredIdempotentWhoseConnectionDiesFailsAndIsNotSentAgain() {
		try (Replicas replicas = Replicas.start(3);
				RpcTemplate rpc = fleet(replicas.addresses()).balancer(RpcBalancer.ROUND_ROBIN).build()) {
			untilEachAnswered(rpc, replicas, 0, 1, 2);
			int answered = 0;
			RpcConnectionException failure = null;
			for (int i = 0; i < 90 && failure == null; i++) {
				try {
					assertThat(rpc.call("Fleet.DieOn", replicas.host(0), String.class)).isIn(replicas.host(1), replicas.host(2));
					answered++;
				}
				catch (RpcConnectionException ex) {
					failure = ex;
				}
			}
			assertThat(failure).isNotNull();
			assertThat(replicas.fleet(0).dieStarted()).isEqualTo(1);
			assertThat(replicas.fleet(1).dieStarted() + replicas.fleet(2).dieStarted()).isEqualTo(answered);
		}
	}

	@ParameterizedTest
	@ValueSource(ints = { 1, 2, 3 })
	void maxAttemptsBoundsTheAttemptsOfACallEveryReplicaKills(int maxAttempts) {
		try (Replicas replicas = Replicas.start(3);
				RpcTemplate rpc = fleet(replicas.addresses()).idempotentMethods(List.of("Fleet.Die"))
					.maxAttempts(maxAttempts)
					.build()) {
			untilEachAnswered(rpc, replicas, 0, 1, 2);
			assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> rpc.call("Fleet.Die", "x", String.class, Duration.ofMinutes(1)));
			assertThat(started(replicas)).isEqualTo(maxAttempts);
		}
	}

	@Test
	void onceFailuresHaveDrainedTheRetryBudgetCallsAreNotRetried() {
		// gRPC's throttling: each failed attempt takes a token, retries only while more than half (5) are left.
		try (Replicas replicas = Replicas.start(3);
				RpcTemplate rpc = fleet(replicas.addresses()).idempotentMethods(List.of("Fleet.Die"))
					.maxAttempts(3)
					.retryBudget(10, 0.1)
					.build()) {
			untilEachAnswered(rpc, replicas, 0, 1, 2);
			List<Integer> attempts = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				int before = started(replicas);
				assertThatExceptionOfType(RpcConnectionException.class)
					.isThrownBy(() -> rpc.call("Fleet.Die", "x", String.class, Duration.ofMinutes(1)));
				attempts.add(started(replicas) - before);
			}
			// 10 tokens: 9, 8 (retried), 7 (max attempts); 6 (retried), 5 (not: 5 is not more than half); then 4, 3, 2.
			assertThat(attempts).containsExactly(3, 2, 1, 1, 1);
		}
	}

	private static int started(Replicas replicas) {
		return replicas.fleet(0).dieStarted() + replicas.fleet(1).dieStarted() + replicas.fleet(2).dieStarted();
	}

	@FunctionalInterface
	interface Caller {

		String dieOn(String host);

	}

}
