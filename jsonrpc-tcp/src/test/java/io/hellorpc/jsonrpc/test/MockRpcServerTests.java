package io.hellorpc.jsonrpc.test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.client.RpcBatch;
import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcExchange;
import io.hellorpc.jsonrpc.client.RpcOperations;
import io.hellorpc.jsonrpc.client.RpcParams;
import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcServiceProxyFactory;
import io.hellorpc.jsonrpc.client.RpcTimeoutException;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** {@link MockRpcServer}: expected calls answered in order, through the wire's JSON, with the template's exceptions. */
class MockRpcServerTests {

	record Request(String name) {
	}

	/** The server's own type, written with Go's field name {@code Message}. */
	record ServerResponse(String message) {
	}

	/** The client's type for the same JSON. */
	record Greeting(String message) {
	}

	@RpcExchange("Handler")
	interface Greeter {

		Greeting execute(Request request);

		CompletableFuture<Greeting> later(Request request);

	}

	@Test
	void expectedCallsAreAnsweredInOrderAndTheResultIsReadAsTheCallersTypeThroughItsJson() {
		MockRpcServer server = MockRpcServer.create();
		server.expect("Handler.Execute", new Request("ciro")).andRespond(new ServerResponse("Hello ciro"));
		server.expect("Handler.Execute").andRespond(Map.of("Message", "Hello any"));
		RpcOperations rpc = server.operations();
		assertThat(rpc.call("Handler.Execute", new Request("ciro"), Greeting.class)).isEqualTo(new Greeting("Hello ciro"));
		assertThat(rpc.call("Handler.Execute", new Request("whoever"), Greeting.class)).isEqualTo(new Greeting("Hello any"));
		server.verify();
	}

	@Test
	void paramsAreMatchedByTheJsonTheyAreSentAs() {
		MockRpcServer server = MockRpcServer.create();
		server.expect("Handler.Execute", Map.of("Name", "ciro")).andRespond(new ServerResponse("Hello ciro"));
		assertThat(server.operations().call("Handler.Execute", new Request("ciro"), Greeting.class).message())
			.isEqualTo("Hello ciro");
	}

	@Test
	void anUnexpectedCallFailsTheTestNamingWhatWasExpected() {
		MockRpcServer server = MockRpcServer.create();
		server.expect("Handler.Execute", new Request("ciro"));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> server.operations().call("Handler.Execute", new Request("bob"), Greeting.class))
			.withMessage("Unexpected call Handler.Execute {\"Name\":\"bob\"}: expected Handler.Execute {\"Name\":\"ciro\"}");
		server.reset();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> server.operations().call("Handler.Execute", new Request("bob"), Greeting.class))
			.withMessage("No further calls expected: Handler.Execute {\"Name\":\"bob\"}");
	}

	@Test
	void verifyFailsWhileAnExpectedCallWasNotMade() {
		MockRpcServer server = MockRpcServer.create();
		server.expect("Handler.Execute");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(server::verify)
			.withMessage("1 expected call(s) not made: Handler.Execute (any params)");
	}

	@Test
	void errorsAreTheTemplatesExceptionsWithCodeAndDataOnlyInJsonRpc2() {
		MockRpcServer go = MockRpcServer.create();
		go.expect("Handler.Execute").andRespondWithError(4001, "refused", Map.of("reason", "busy"));
		assertThatExceptionOfType(RpcRemoteException.class)
			.isThrownBy(() -> go.operations().call("Handler.Execute", new Request(""), Greeting.class))
			.satisfies((ex) -> {
				assertThat(ex).hasMessage("refused");
				assertThat(ex.getMethod()).isEqualTo("Handler.Execute");
				assertThat(ex.getCode()).isNull();
				assertThat(ex.getData()).isNull();
			});
		MockRpcServer json2 = MockRpcServer.create(RpcProtocol.JSON_RPC_2);
		json2.expect("Handler.Execute").andRespondWithError(4001, "refused", Map.of("reason", "busy"));
		assertThatExceptionOfType(RpcRemoteException.class)
			.isThrownBy(() -> json2.operations().call("Handler.Execute", new Request(""), Greeting.class))
			.satisfies((ex) -> {
				assertThat(ex.getCode()).isEqualTo(4001);
				assertThat(ex.getData()).isEqualTo(Map.of("reason", "busy"));
			});
	}

	@Test
	void timeoutsAndConnectionFailuresAreTheirOwnExceptionsAndFailFutures() {
		MockRpcServer server = MockRpcServer.create();
		server.expect("Handler.Execute").andTimeout();
		server.expect("Handler.Execute").andFailToConnect();
		assertThatExceptionOfType(RpcTimeoutException.class)
			.isThrownBy(() -> server.operations().call("Handler.Execute", new Request("a"), Greeting.class));
		assertThat(server.operations().callAsync("Handler.Execute", new Request("a"), Greeting.class))
			.failsWithin(java.time.Duration.ZERO)
			.withThrowableThat()
			.withCauseInstanceOf(RpcConnectionException.class);
	}

	@Test
	void anRpcExchangeClientOverItCallsAsTheTemplateWould() {
		MockRpcServer server = MockRpcServer.create();
		server.expect("Handler.Execute", new Request("ciro")).andRespond(new ServerResponse("Hello ciro"));
		server.expect("Handler.Later", new Request("later")).andRespond(new ServerResponse("Hello later"));
		Greeter greeter = RpcServiceProxyFactory.of(server.operations()).createClient(Greeter.class);
		assertThat(greeter.execute(new Request("ciro"))).isEqualTo(new Greeting("Hello ciro"));
		assertThat(greeter.later(new Request("later")).join()).isEqualTo(new Greeting("Hello later"));
		server.verify();
	}

	@Test
	void jsonRpc2ParamsNotificationsAndBatchesAreMatchedToo() {
		MockRpcServer server = MockRpcServer.create(RpcProtocol.JSON_RPC_2);
		server.expect("subtract", RpcParams.positional(42, 23)).andRespond(19);
		server.expect("update", RpcParams.positional(1, 2));
		server.expect("sum", List.of(1, 2)).andRespond(List.of(3));
		server.expect("subtract", RpcParams.named(Map.of("minuend", 5, "subtrahend", 3))).andRespond(2);
		RpcOperations rpc = server.operations();
		assertThat(rpc.call("subtract", RpcParams.positional(42, 23), Integer.class)).isEqualTo(19);
		rpc.sendNotification("update", RpcParams.positional(1, 2));
		RpcBatch batch = rpc.batch();
		CompletableFuture<List<Integer>> sum = batch.call("sum", List.of(1, 2),
				new org.springframework.core.ParameterizedTypeReference<List<Integer>>() {
				});
		CompletableFuture<Integer> difference = batch.call("subtract",
				RpcParams.named(Map.of("subtrahend", 3, "minuend", 5)), Integer.class);
		batch.send();
		assertThat(sum.join()).containsExactly(3);
		assertThat(difference.join()).isEqualTo(2);
		server.verify();
	}

	@Test
	void gosDialectRefusesWhatItCannotCarryAsTheTemplateDoes() {
		MockRpcServer server = MockRpcServer.create();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> server.operations().call("subtract", RpcParams.positional(1, 2), Integer.class));
		assertThatIllegalStateException().isThrownBy(() -> server.operations().sendNotification("Handler.Note", "x"));
		assertThatIllegalStateException().isThrownBy(() -> server.operations().batch());
	}

}
