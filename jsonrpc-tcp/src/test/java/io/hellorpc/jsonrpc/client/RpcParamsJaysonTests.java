package io.hellorpc.jsonrpc.client;

import java.util.Map;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.support.Json2Peers;
import io.hellorpc.jsonrpc.support.PeerServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Several params against an independent JSON-RPC 2.0 server, npm's jayson, whose {@code Calc.subtract}
 * takes {@code [minuend, subtrahend]} or {@code {"minuend":..,"subtrahend":..}} (anything else is
 * -32602): through {@link RpcTemplate} with {@link RpcParams}, and through {@code @RpcExchange} clients.
 */
class RpcParamsJaysonTests {

	private static PeerServer jayson;

	private static RpcTemplate rpc;

	@RpcExchange("Calc")
	interface Calc {

		@RpcExchange("subtract")
		int subtract(int minuend, int subtrahend);

		@RpcExchange(value = "subtract", namedParams = true)
		int subtractByName(int subtrahend, int minuend);

		@RpcExchange("answer")
		Answer answer();

	}

	@RpcExchange("Calc")
	interface GoCalc {

		int subtract(int minuend, int subtrahend);

	}

	record Answer(int answer, String given) {
	}

	@BeforeAll
	static void start() {
		jayson = Json2Peers.jaysonServer();
		rpc = new RpcTemplateBuilder().address("127.0.0.1", jayson.port()).protocol(RpcProtocol.JSON_RPC_2).build();
	}

	@AfterAll
	static void stop() {
		rpc.close();
		jayson.close();
	}

	@Test
	void aTemplateCallsATwoParamMethodByPositionAndByName() {
		assertThat(rpc.call("Calc.subtract", RpcParams.positional(42, 23), Integer.class)).isEqualTo(19);
		assertThat(rpc.call("Calc.subtract", RpcParams.positional(23, 42), Integer.class)).isEqualTo(-19);
		assertThat(rpc.call("Calc.subtract", RpcParams.named(Map.of("subtrahend", 23, "minuend", 42)), Integer.class))
			.isEqualTo(19);
		assertThat(rpc.callAsync("Calc.subtract", RpcParams.named(Map.of("minuend", 23, "subtrahend", 42)), Integer.class)
			.join()).isEqualTo(-19);
	}

	@Test
	void aTemplateCallsAMethodWithoutParamsSendingNone() {
		assertThat(rpc.call("Calc.answer", RpcParams.none(), Answer.class)).isEqualTo(new Answer(42, "nothing"));
	}

	@Test
	void anRpcExchangeClientSendsItsParametersByPositionOrByTheirJavaNames() {
		Calc calc = RpcServiceProxyFactory.of(rpc).createClient(Calc.class);
		assertThat(calc.subtract(42, 23)).isEqualTo(19);
		// Declared in the other order: only names can get it right.
		assertThat(calc.subtractByName(23, 42)).isEqualTo(19);
		assertThat(calc.answer()).isEqualTo(new Answer(42, "nothing"));
	}

	@Test
	void gosDialectRefusesAMethodOfTwoParametersWhenTheClientIsMade() {
		try (RpcTemplate go = new RpcTemplateBuilder().address("127.0.0.1", jayson.port()).build()) {
			assertThatIllegalStateException().isThrownBy(() -> RpcServiceProxyFactory.of(go).createClient(GoCalc.class))
				.withMessageStartingWith("@RpcExchange method GoCalc.subtract has 2 parameters: a request of Go's net/rpc dialect"
						+ " carries exactly one param");
		}
	}

}
