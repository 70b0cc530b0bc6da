package io.hellorpc.jsonrpc.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The 15 examples of section 7 of the JSON-RPC 2.0 specification, sent as the specification
 * writes them to a real server serving its methods by {@link RpcMapping}: replies compared as
 * JSON trees (results, codes and ids as the specification shows; error messages, which it gives
 * only as examples, need only be there); batch replies in any order. A notification's "nothing
 * back" is shown by the next call's reply being the next line, and its having run by what the
 * method recorded.
 */
class JsonRpc2SpecificationExamplesTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.start(SpecApplication.class);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@BeforeEach
	void forget() {
		server.bean(SpecMethods.class).seen.clear();
	}

	@Import(SpecMethods.class)
	static class SpecApplication {

	}

	/** The methods the specification's examples call. */
	@RpcEndpoint
	static class SpecMethods {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@RpcMapping("subtract")
		public int subtract(int minuend, int subtrahend) {
			return minuend - subtrahend;
		}

		@RpcMapping("sum")
		public int sum(int... values) {
			return Arrays.stream(values).sum();
		}

		@RpcMapping("update")
		public void update(int... values) {
			this.seen.add("update " + Arrays.toString(values));
		}

		@RpcMapping("notify_hello")
		public void notifyHello(int value) {
			this.seen.add("notify_hello " + value);
		}

		@RpcMapping("notify_sum")
		public void notifySum(int... values) {
			this.seen.add("notify_sum " + Arrays.toString(values));
		}

		@RpcMapping("get_data")
		public List<Object> getData() {
			return List.of("hello", 5);
		}

	}

	@Test
	void rpcCallWithPositionalParameters() {
		try (RawConnection connection = server.connect()) {
			assertReply(call(connection, "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [42, 23], \"id\": 1}"),
					"{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 1}");
			assertReply(call(connection, "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [23, 42], \"id\": 2}"),
					"{\"jsonrpc\": \"2.0\", \"result\": -19, \"id\": 2}");
		}
	}

	@Test
	void rpcCallWithNamedParameters() {
		try (RawConnection connection = server.connect()) {
			assertReply(call(connection, "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"subtrahend\": 23, "
					+ "\"minuend\": 42}, \"id\": 3}"), "{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 3}");
			assertReply(call(connection, "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": {\"minuend\": 42, "
					+ "\"subtrahend\": 23}, \"id\": 4}"), "{\"jsonrpc\": \"2.0\", \"result\": 19, \"id\": 4}");
		}
	}

	@Test
	void aNotificationRunsAndIsNotAnswered() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"jsonrpc\": \"2.0\", \"method\": \"update\", \"params\": [1,2,3,4,5]}\n");
			connection.send("{\"jsonrpc\": \"2.0\", \"method\": \"foobar\"}\n");
			assertReply(call(connection, "{\"jsonrpc\": \"2.0\", \"method\": \"subtract\", \"params\": [1, 1], \"id\": \"after\"}"),
					"{\"jsonrpc\": \"2.0\", \"result\": 0, \"id\": \"after\"}");
		}
		await().untilAsserted(() -> assertThat(server.bean(SpecMethods.class).seen).containsExactly("update [1, 2, 3, 4, 5]"));
	}

	@Test
	void rpcCallOfANonExistentMethod() {
		try (RawConnection connection = server.connect()) {
			assertReply(call(connection, "{\"jsonrpc\": \"2.0\", \"method\": \"foobar\", \"id\": \"1\"}"),
					"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32601, \"message\": \"Method not found\"}, \"id\": \"1\"}");
		}
	}

	@Test
	void rpcCallWithInvalidJson() {
		try (RawConnection connection = server.connect()) {
			assertReply(call(connection, "{\"jsonrpc\": \"2.0\", \"method\": \"foobar, \"params\": \"bar\", \"baz]"),
					"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}");
		}
	}

	@Test
	void rpcCallWithInvalidRequestObject() {
		try (RawConnection connection = server.connect()) {
			assertReply(call(connection, "{\"jsonrpc\": \"2.0\", \"method\": 1, \"params\": \"bar\"}"),
					"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}");
		}
	}

	@Test
	void rpcCallBatchWithInvalidJson() {
		try (RawConnection connection = server.connect()) {
			assertReply(call(connection, "[\n  {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},\n"
					+ "  {\"jsonrpc\": \"2.0\", \"method\"\n]"),
					"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32700, \"message\": \"Parse error\"}, \"id\": null}");
		}
	}

	@Test
	void rpcCallWithAnEmptyArray() {
		try (RawConnection connection = server.connect()) {
			assertReply(call(connection, "[]"),
					"{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}");
		}
	}

	@Test
	void rpcCallWithAnInvalidBatchButNotEmpty() {
		try (RawConnection connection = server.connect()) {
			assertReplies(call(connection, "[1]"),
					"[{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}]");
		}
	}

	@Test
	void rpcCallWithAnInvalidBatch() {
		try (RawConnection connection = server.connect()) {
			assertReplies(call(connection, "[1,2,3]"), "["
					+ "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},"
					+ "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null},"
					+ "{\"jsonrpc\": \"2.0\", \"error\": {\"code\": -32600, \"message\": \"Invalid Request\"}, \"id\": null}]");
		}
	}

	@Test
	void rpcCallBatch() {
		try (RawConnection connection = server.connect()) {
			String batch = """
					[
					        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
					        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
					        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
					        {"foo": "boo"},
					        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
					        {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
					    ]""";
			assertReplies(call(connection, batch), """
					[
					        {"jsonrpc": "2.0", "result": 7, "id": "1"},
					        {"jsonrpc": "2.0", "result": 19, "id": "2"},
					        {"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null},
					        {"jsonrpc": "2.0", "error": {"code": -32601, "message": "Method not found"}, "id": "5"},
					        {"jsonrpc": "2.0", "result": ["hello", 5], "id": "9"}
					    ]""");
		}
		await().untilAsserted(() -> assertThat(server.bean(SpecMethods.class).seen).containsExactly("notify_hello 7"));
	}

	@Test
	void rpcCallBatchOfNotificationsOnly() {
		try (RawConnection connection = server.connect()) {
			connection.send("""
					[
					        {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
					        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
					    ]
					""");
			assertReply(call(connection, "{\"jsonrpc\": \"2.0\", \"method\": \"get_data\", \"id\": \"after\"}"),
					"{\"jsonrpc\": \"2.0\", \"result\": [\"hello\", 5], \"id\": \"after\"}");
		}
		await().untilAsserted(() -> assertThat(server.bean(SpecMethods.class).seen)
			.containsExactlyInAnyOrder("notify_sum [1, 2, 4]", "notify_hello 7"));
	}

	private static String call(RawConnection connection, String message) {
		connection.send(message + "\n");
		String reply = connection.readLine();
		assertThat(reply).as("the reply to " + message).isNotNull();
		return reply;
	}

	private static void assertReply(String reply, String expected) {
		assertThat(comparable(json.readTree(reply))).as(reply).isEqualTo(comparable(json.readTree(expected)));
	}

	private static void assertReplies(String reply, String expected) {
		assertThat(sorted(json.readTree(reply))).as(reply).isEqualTo(sorted(json.readTree(expected)));
	}

	private static List<JsonNode> sorted(JsonNode replies) {
		assertThat(replies.isArray()).as("a batch reply is an array: " + replies).isTrue();
		List<JsonNode> list = new ArrayList<>();
		((ArrayNode) replies).forEach((reply) -> list.add(comparable(reply)));
		list.sort(Comparator.comparing(JsonNode::toString));
		return list;
	}

	/** The reply without its error message (the specification's are examples), which must be a text. */
	private static JsonNode comparable(JsonNode reply) {
		JsonNode copy = reply.deepCopy();
		if (copy.get("error") instanceof ObjectNode error) {
			assertThat(error.path("message").isString()).as("an error message: " + reply).isTrue();
			error.remove("message");
			error.remove("data");
		}
		return copy;
	}

}
