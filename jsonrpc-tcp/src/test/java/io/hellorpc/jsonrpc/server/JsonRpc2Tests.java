package io.hellorpc.jsonrpc.server;

import java.util.ArrayList;
import java.util.List;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** JSON-RPC 2.0 on the same port as Go's dialect, chosen per message, over real sockets. */
class JsonRpc2Tests {

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	private static String call(String method, String params, String id) {
		return "{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + (id != null ? ",\"id\":" + id : "")
				+ "}";
	}

	@Test
	void aCallMarkedJsonRpc2IsAnsweredInJsonRpc2AndAGoCallInGosDialectOnTheSameConnection() {
		try (RawConnection connection = server.connect()) {
			connection.send(call("Handler.Execute", "[{\"Name\":\"a\"}]", "1"));
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello a\"},\"id\":1}");
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"b\"}],\"id\":2}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":2,\"result\":{\"Message\":\"Hello b\"},\"error\":null}");
			connection.send(call("Handler.Execute", "[{\"Name\":\"c\"}]", "\"three\""));
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello c\"},\"id\":\"three\"}");
		}
	}

	@Test
	void namedParamsAreBoundToTheOneParameter() {
		try (RawConnection connection = server.connect()) {
			connection.send(call("Handler.Execute", "{\"Name\":\"named\"}", "1"));
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello named\"},\"id\":1}");
		}
	}

	@Test
	void errorsAreObjectsWithTheStandardCodes() {
		try (RawConnection connection = server.connect()) {
			connection.send(call("Handler.Nope", "[{}]", "1"));
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,"
					+ "\"message\":\"rpc: can't find method Handler.Nope\"},\"id\":1}");
			connection.send(call("Handler.Execute", "[{\"Name\":5}]", "2"));
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":"
					+ "\"json: cannot unmarshal number into Go struct field Request.Name of type string\"},\"id\":2}");
			connection.send(call("Handler.Execute", "[{\"Name\":\"\"}]", "3"));
			assertThat(connection.readLine()).isEqualTo(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"A name must be specified\"},\"id\":3}");
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":5,\"id\":4}");
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
					+ "\"message\":\"Invalid Request: method must be a string\"},\"id\":4}");
			connection.send(call("Handler.Execute", "\"text\"", "5"));
			assertThat(connection.readLine()).contains("\"code\":-32600", "params must be an array or an object");
		}
	}

	@Test
	void anApplicationExceptionCarriesItsOwnCodeAndData() {
		try (RawConnection connection = server.connect()) {
			connection.send(call("Handler.Refuse", "[\"busy\"]", "1"));
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":4001,"
					+ "\"message\":\"refused\",\"data\":{\"reason\":\"busy\"}},\"id\":1}");
			connection.send("{\"method\":\"Handler.Refuse\",\"params\":[\"busy\"],\"id\":2}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":2,\"result\":null,\"error\":\"refused\"}");
		}
	}

	@Test
	void invalidJsonIsAParseErrorWithNullIdThenTheConnectionCloses() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"jsonrpc\":\"2.0\",\"method\": }");
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
					+ "\"message\":\"Parse error: invalid character '}' at byte 27\"},\"id\":null}");
			assertThat(connection.isClosedByServer()).isTrue();
		}
	}

	@Test
	void theSpecificationsBatchOfInvalidJsonIsAParseErrorAtOnceThenTheConnectionCloses() {
		try (RawConnection connection = server.connect()) {
			// Section 7's "rpc call Batch, invalid JSON", as written there: its brackets never balance.
			connection.send("[\n  {\"jsonrpc\": \"2.0\", \"method\": \"sum\", \"params\": [1,2,4], \"id\": \"1\"},\n"
					+ "  {\"jsonrpc\": \"2.0\", \"method\"\n]");
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,"
					+ "\"message\":\"Parse error: invalid character ']' at byte 101\"},\"id\":null}");
			assertThat(connection.isClosedByServer()).isTrue();
		}
	}

	@Test
	void aMessageThatBreaksJsonsGrammarIsAParseErrorBeforeItsBracketsBalance() {
		for (String broken : new String[] { "{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":[}",
				"{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":[{\"Name\" 1",
				"{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":[{\"a\"]" }) {
			try (RawConnection connection = server.connect()) {
				connection.send(broken);
				assertThat(connection.readLine()).as(broken)
					.isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32700,\"message\":\"Parse error: invalid character '"
							+ broken.charAt(broken.length() - 1) + "' at byte " + (broken.length() - 1) + "\"},\"id\":null}");
				assertThat(connection.isClosedByServer()).as(broken).isTrue();
			}
		}
	}

	@Test
	void aBatchIsAnsweredByOneArrayWithoutItsNotifications() {
		TestServices.Handler handler = server.bean(TestServices.Handler.class);
		try (RawConnection connection = server.connect()) {
			connection.send("[" + call("Handler.Execute", "[{\"Name\":\"x\"}]", "1") + ","
					+ call("Handler.Note", "[\"in a batch\"]", null) + "," + call("Handler.Nope", "[]", "2") + ",5]");
			String reply = connection.readLine();
			assertThat(reply).startsWith("[").endsWith("]");
			assertThat(split(reply)).containsExactlyInAnyOrder(
					"{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello x\"},\"id\":1}",
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"rpc: can't find method Handler.Nope\"},\"id\":2}",
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Invalid Request: a batch entry must be an object, not a number\"},\"id\":null}");
		}
		assertThat(handler.notes()).contains("in a batch");
	}

	@Test
	void anEmptyBatchIsOneInvalidRequestError() {
		try (RawConnection connection = server.connect()) {
			connection.send("[]");
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,"
					+ "\"message\":\"Invalid Request: empty batch\"},\"id\":null}");
		}
	}

	@Test
	void notificationsRunAndAreNeverAnsweredAloneOrInABatch() {
		TestServices.Handler handler = server.bean(TestServices.Handler.class);
		try (RawConnection connection = server.connect()) {
			connection.send(call("Handler.Note", "[\"alone\"]", null));
			connection.send("[" + call("Handler.Note", "[\"first\"]", null) + "," + call("Handler.Note", "[\"second\"]", null) + "]");
			await().until(() -> handler.notes().containsAll(List.of("alone", "first", "second")));
			// Had anything been answered, it would come before this reply on the same connection.
			connection.send(call("Handler.Execute", "[{\"Name\":\"after\"}]", "9"));
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello after\"},\"id\":9}");
		}
		await().until(() -> server.bean(RpcServer.class).activity().callsInFlight() == 0);
	}

	@Test
	void notificationsToAnUnknownOrAFailingMethodStaySilent() {
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		RpcServerActivity activity = server.bean(RpcServer.class).activity();
		try (RawConnection connection = server.connect()) {
			connection.send(call("Handler.Nope", "[\"x\"]", null));
			connection.send(call("Gate.Fail", "[\"silent failure\"]", null));
			// The failing one ran (it was read after the unknown one), and both are done: any reply is written.
			await().until(() -> gates.started("silent failure"));
			await().until(() -> activity.callsInFlight() == 0);
			// Had either been answered, that reply would come before this one on the same connection.
			connection.send(call("Handler.Execute", "[{\"Name\":\"after\"}]", "9"));
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"Hello after\"},\"id\":9}");
		}
	}

	@Test
	void theCallsOfABatchRunConcurrently() {
		TestServices.Sleeper sleeper = server.bean(TestServices.Sleeper.class);
		try (RawConnection connection = server.connect()) {
			connection.send("[" + call("Slow.Hold", "[\"a\"]", "1") + "," + call("Slow.Hold", "[\"b\"]", "2") + ","
					+ call("Slow.Hold", "[\"c\"]", "3") + "]");
			// All three wait at the gate at once: none waits for another to finish.
			await().until(() -> sleeper.running() == 3);
			sleeper.release(3);
			assertThat(split(connection.readLine())).hasSize(3);
		}
	}

	/** The objects of a reply array (no nesting beyond what the tests send). */
	private static List<String> split(String array) {
		List<String> objects = new ArrayList<>();
		int depth = 0;
		int start = -1;
		boolean inString = false;
		for (int i = 1; i < array.length() - 1; i++) {
			char ch = array.charAt(i);
			if (inString) {
				if (ch == '\\') {
					i++;
				}
				else if (ch == '"') {
					inString = false;
				}
			}
			else if (ch == '"') {
				inString = true;
			}
			else if (ch == '{' && depth++ == 0) {
				start = i;
			}
			else if (ch == '}' && --depth == 0) {
				objects.add(array.substring(start, i + 1));
			}
		}
		return objects;
	}

}
