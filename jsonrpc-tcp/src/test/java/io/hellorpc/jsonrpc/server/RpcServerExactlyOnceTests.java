package io.hellorpc.jsonrpc.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every call is answered exactly once and frees its slot: whatever its method returns or throws,
 * however many a batch holds, however long it runs (rpc.server.call-timeout), and however many
 * replies the peer leaves unread for a while.
 */
class RpcServerExactlyOnceTests {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static String call(String method, String params, int id) {
		return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":" + id + "}";
	}

	private static String goCall(String method, String params, int id) {
		return "{\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":" + id + "}\n";
	}

	private static String batch(List<String> calls) {
		return "[" + String.join(",", calls) + "]";
	}

	private static List<String> hellos(int count) {
		return IntStream.range(0, count).mapToObj((i) -> call("Handler.Execute", "[{\"Name\":\"n" + i + "\"}]", i)).toList();
	}

	/** The entries of a batch reply, by id. */
	private static Map<Integer, JsonNode> byId(String reply) {
		JsonNode array = JSON.readTree(reply);
		assertThat(array.isArray()).as("a batch reply array: %s", reply).isTrue();
		Map<Integer, JsonNode> entries = new HashMap<>();
		for (JsonNode entry : array.values()) {
			assertThat(entries.put(entry.get("id").intValue(), entry)).as("one entry per id").isNull();
		}
		return entries;
	}

	/** An error text for a peer: no Java class (qualified or simple), no stack detail. */
	private static void assertNamesNoJavaClass(String text) {
		assertThat(text).isNotBlank()
			.doesNotContainPattern("\\b(java|javax|jdk|sun|tools|com|org|io)\\.[a-z]")
			.doesNotContainPattern("[A-Z]\\w*(Exception|Error)\\b")
			.doesNotContain("Double", "\tat ");
	}

	private static void assertInternalError(JsonNode reply, int id) {
		assertThat(reply.get("jsonrpc").stringValue()).isEqualTo("2.0");
		assertThat(reply.get("id").intValue()).isEqualTo(id);
		assertThat(reply.has("result")).as("an error reply has no result: %s", reply).isFalse();
		assertThat(reply.get("error").get("code").intValue()).as("%s", reply).isEqualTo(-32603);
		assertNamesNoJavaClass(reply.get("error").get("message").stringValue());
	}

	@Test
	void aBatchEntryWhoseResultCannotBeEncodedIsAnInternalErrorInTheBatchReplyAndTheConnectionGoesOn() {
		try (RunningServer server = RunningServer.start(); RawConnection connection = server.connect()) {
			connection.send(batch(List.of(call("Handler.Execute", "[{\"Name\":\"before\"}]", 1),
					call("Gate.NotANumber", "[\"nan\"]", 2), call("Handler.Execute", "[{\"Name\":\"after\"}]", 3))));
			Map<Integer, JsonNode> entries = byId(connection.readLine());
			assertThat(entries).containsOnlyKeys(1, 2, 3);
			assertThat(entries.get(1).toString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello before\"},\"id\":1}");
			assertThat(entries.get(3).toString()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello after\"},\"id\":3}");
			assertInternalError(entries.get(2), 2);
			connection.send(call("Handler.Execute", "[{\"Name\":\"next\"}]", 4));
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello next\"},\"id\":4}");
		}
	}

	@Test
	void aMethodThrowingAnErrorIsAnsweredWithAnInternalErrorInBothDialectsAndFreesItsSlot() {
		// One call at a time: had a failed call kept its slot, the last call would never run.
		try (RunningServer server = RunningServer.start("rpc.server.max-calls-in-flight-per-connection=1");
				RawConnection connection = server.connect()) {
			TestServices.Gates gates = server.bean(TestServices.Gates.class);
			connection.send(call("Gate.BreakDown", "[\"in 2.0\"]", 1));
			assertInternalError(JSON.readTree(connection.readLine()), 1);
			connection.send(goCall("Gate.BreakDown", "[\"in go\"]", 2));
			JsonNode go = JSON.readTree(connection.readLine());
			assertThat(go.get("id").intValue()).isEqualTo(2);
			assertThat(go.get("result").isNull()).as("%s", go).isTrue();
			assertThat(go.get("error").isString()).as("%s", go).isTrue();
			assertNamesNoJavaClass(go.get("error").stringValue());
			assertThat(gates.started("in 2.0")).isTrue();
			assertThat(gates.started("in go")).isTrue();
			connection.send(goCall("Handler.Execute", "[{\"Name\":\"after\"}]", 3));
			assertThat(connection.readLine()).isEqualTo("{\"id\":3,\"result\":{\"Message\":\"Hello after\"},\"error\":null}");
		}
	}

	@Test
	void theEntriesOfABatchTakeTheirSlotsOneByOneUnderMaxCallsInFlightPerConnection() {
		try (RunningServer server = RunningServer.start("rpc.server.max-calls-in-flight-per-connection=2");
				RawConnection connection = server.connect()) {
			TestServices.Gates gates = server.bean(TestServices.Gates.class);
			List<String> keys = IntStream.range(0, 5).mapToObj((i) -> "entry " + i).toList();
			Set<String> opened = new HashSet<>();
			try {
				connection.send(batch(IntStream.range(0, 5).mapToObj((i) -> call("Gate.Hold", "[\"" + keys.get(i) + "\"]", i)).toList()));
				// Each entry waits at its own gate: with j gates opened, j entries have finished and
				// freed their slots, so exactly 2 + j have entered their method, never one more.
				for (int j = 0; j < 5; j++) {
					int expected = Math.min(5, 2 + j);
					await().until(() -> entered(gates, keys) >= expected);
					assertThat(entered(gates, keys)).as("entries in their method with %d of 5 gates opened", j).isEqualTo(expected);
					String next = keys.stream().filter((key) -> gates.started(key) && !opened.contains(key)).findFirst().orElseThrow();
					opened.add(next);
					gates.open(next);
				}
				Map<Integer, JsonNode> entries = byId(connection.readLine());
				assertThat(entries).containsOnlyKeys(0, 1, 2, 3, 4);
				entries.forEach((id, entry) -> assertThat(entry.toString())
					.isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"" + keys.get(id) + "\",\"id\":" + id + "}"));
			}
			finally {
				keys.forEach(gates::open);
			}
		}
	}

	private static long entered(TestServices.Gates gates, List<String> keys) {
		return keys.stream().filter(gates::started).count();
	}

	@Test
	void aBatchOfMoreThanTheDefaultMaxBatchSizeIsOneInvalidRequestErrorAndTheConnectionStaysOpen() {
		try (RunningServer server = RunningServer.start(); RawConnection connection = server.connect()) {
			connection.send(batch(hellos(1001)));
			assertThat(refusal(connection.readLine())).isEqualTo(JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
					+ "{\"code\":-32600,\"message\":\"Invalid Request: a batch of 1001 calls is more than rpc.server.max-batch-size (1000)\"}}"));
			connection.send(batch(hellos(1000)));
			Map<Integer, JsonNode> entries = byId(connection.readLine());
			assertThat(entries).hasSize(1000);
			entries.forEach((id, entry) -> assertThat(entry.toString())
				.isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello n" + id + "\"},\"id\":" + id + "}"));
		}
	}

	/** The one reply to a refused batch: an object (not a reply array, which would be too long to show). */
	private static JsonNode refusal(String reply) {
		JsonNode node = JSON.readTree(reply);
		assertThat(node.isObject()).as("one error object, not a batch reply of %d entries", node.size()).isTrue();
		return node;
	}

	@Test
	void maxBatchSizeIsSetByItsProperty() {
		try (RunningServer server = RunningServer.start("rpc.server.max-batch-size=3"); RawConnection connection = server.connect()) {
			connection.send(batch(hellos(4)));
			assertThat(refusal(connection.readLine())).isEqualTo(JSON.readTree("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
					+ "{\"code\":-32600,\"message\":\"Invalid Request: a batch of 4 calls is more than rpc.server.max-batch-size (3)\"}}"));
			connection.send(batch(hellos(3)));
			assertThat(byId(connection.readLine())).containsOnlyKeys(0, 1, 2);
		}
	}

	@Test
	void fortyPipelined400KbCallsAllWrittenBeforeAnyReplyIsReadAreAllAnswered() {
		String name = "x".repeat(400_000);
		// A budget well above the 16 MB of replies the peer leaves unread, whatever the JVM's size.
		try (RunningServer server = RunningServer.start("rpc.server.memory.budget=256MB");
				RawConnection connection = server.connect()) {
			CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < 40; i++) {
					connection.send(goCall("Handler.Execute", "[{\"Name\":\"" + name + "\"}]", i));
				}
			});
			// Not one reply is read until every call is written: the server must take them all meanwhile.
			await().until(sent::isDone);
			sent.join();
			Set<Integer> answered = new HashSet<>();
			String tail = ",\"result\":{\"Message\":\"Hello " + name + "\"},\"error\":null}";
			for (int i = 0; i < 40; i++) {
				String reply = connection.readLine();
				assertThat(reply).startsWith("{\"id\":").endsWith(tail);
				answered.add(Integer.valueOf(reply.substring("{\"id\":".length(), reply.length() - tail.length())));
			}
			assertThat(answered).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 40).boxed().toList());
		}
	}

	@Test
	void aCallPastTheCallTimeoutIsAnsweredOnceInBothDialectsItsThreadInterruptedItsSlotFreedAndItsLateResultDropped() {
		try (RunningServer server = RunningServer.start("rpc.server.call-timeout=2s",
				"rpc.server.max-calls-in-flight-per-connection=1");
				RawConnection connection = server.connect()) {
			TestServices.Gates gates = server.bean(TestServices.Gates.class);
			List<String> keys = new ArrayList<>(List.of("late in 2.0", "late in go"));
			try {
				// The method never returns on its own: only the deadline answers it.
				connection.send(call("Gate.HoldThroughInterrupt", "[\"late in 2.0\"]", 1));
				JsonNode timedOut = JSON.readTree(connection.readLine());
				assertThat(timedOut.get("jsonrpc").stringValue()).isEqualTo("2.0");
				assertThat(timedOut.get("id").intValue()).isEqualTo(1);
				assertThat(timedOut.has("result")).as("%s", timedOut).isFalse();
				assertThat(timedOut.get("error").get("code").intValue()).as("%s", timedOut).isEqualTo(-32002);
				assertThat(timedOut.get("error").get("message").stringValue()).startsWith("rpc: call timed out after ")
					.contains("(rpc.server.call-timeout)");
				await().until(() -> gates.interrupted("late in 2.0"));
				// The method still waits at its gate, yet one call at a time is allowed: its slot was freed.
				assertThat(gates.returned("late in 2.0")).isFalse();
				connection.send(goCall("Handler.Execute", "[{\"Name\":\"meanwhile\"}]", 2));
				assertThat(connection.readLine()).isEqualTo("{\"id\":2,\"result\":{\"Message\":\"Hello meanwhile\"},\"error\":null}");
				connection.send(goCall("Gate.HoldThroughInterrupt", "[\"late in go\"]", 3));
				assertThat(connection.readLine()).startsWith("{\"id\":3,\"result\":null,\"error\":\"rpc: call timed out after ")
					.endsWith("(rpc.server.call-timeout)\"}");
				await().until(() -> gates.interrupted("late in go"));
				// Both methods now return; neither result may be written: the next lines are the next calls' replies.
				keys.forEach(gates::open);
				await().until(() -> gates.returned("late in 2.0") && gates.returned("late in go"));
				connection.send(goCall("Handler.Execute", "[{\"Name\":\"four\"}]", 4));
				assertThat(connection.readLine()).isEqualTo("{\"id\":4,\"result\":{\"Message\":\"Hello four\"},\"error\":null}");
				connection.send(call("Handler.Execute", "[{\"Name\":\"five\"}]", 5));
				assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello five\"},\"id\":5}");
			}
			finally {
				keys.forEach(gates::open);
			}
		}
	}

}
