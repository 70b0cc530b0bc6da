package io.hellorpc.jsonrpc.client;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcMapping;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code @RpcExchange(flatName = true)}: an interface method calls a flat JSON-RPC 2.0 name, as a
 * server's {@code @RpcMapping} publishes it, over a real socket to a real server.
 */
class RpcExchangeFlatNameTests {

	private static RunningServer server;

	private static RpcTemplate rpc;

	@BeforeAll
	static void start() {
		server = RunningServer.start(Application.class);
		rpc = new RpcTemplateBuilder().address("127.0.0.1", server.port()).protocol(RpcProtocol.JSON_RPC_2).build();
	}

	@AfterAll
	static void stop() {
		rpc.close();
		server.close();
	}

	@Import(Ledger.class)
	static class Application {

	}

	@RpcEndpoint
	static class Ledger {

		@RpcMapping("subtract")
		public int subtract(int minuend, int subtrahend) {
			return minuend - subtrahend;
		}

		@RpcMapping("eth_getBalance")
		public String balance(String address, String block) {
			return address + "@" + block;
		}

	}

	@RpcExchange("Ledger")
	interface LedgerClient {

		@RpcExchange(value = "subtract", flatName = true)
		int subtract(int minuend, int subtrahend);

		@RpcExchange(value = "subtract", flatName = true, namedParams = true)
		int subtractByName(int subtrahend, int minuend);

		@RpcExchange(value = "eth_getBalance", flatName = true)
		String balance(String address, String block);

	}

	/** Flat on the interface: every method's Java name is its wire name. */
	@RpcExchange(flatName = true)
	interface FlatClient {

		int subtract(int minuend, int subtrahend);

	}

	@Test
	void aFlatNameIsCalledAsWrittenWithNoServiceInFront() {
		LedgerClient client = RpcServiceProxyFactory.of(rpc).createClient(LedgerClient.class);
		assertThat(client.subtract(42, 23)).isEqualTo(19);
		assertThat(client.subtractByName(23, 42)).isEqualTo(19);
		assertThat(client.balance("0x407", "latest")).isEqualTo("0x407@latest");
	}

	@Test
	void flatOnTheInterfaceUsesEachJavaMethodNameAsItIs() {
		assertThat(RpcServiceProxyFactory.of(rpc).createClient(FlatClient.class).subtract(5, 3)).isEqualTo(2);
	}

	@Test
	void gosDialectRefusesAFlatNameWhenTheClientIsMade() {
		try (RpcTemplate go = new RpcTemplateBuilder().address("127.0.0.1", server.port()).build()) {
			assertThatIllegalStateException()
				.isThrownBy(() -> RpcServiceProxyFactory.of(go).createClient(FlatClient.class))
				.withMessage("@RpcExchange(flatName = true) method FlatClient.subtract calls 'subtract', which needs"
						+ " JSON-RPC 2.0: Go's net/rpc dialect names every method Service.Method (rpc.client.protocol=json-rpc-2)");
		}
	}

}
