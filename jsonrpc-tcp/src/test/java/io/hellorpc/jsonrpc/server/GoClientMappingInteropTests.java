package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Go's own net/rpc/jsonrpc client (interop/gomapped) against {@link RpcMapping} methods. */
class GoClientMappingInteropTests {

	@Test
	void goClientCallsAGoShapedMappingAndGetsGosTextsForNamesItsDialectDoesNotServe() {
		try (RunningServer server = RunningServer.start(RpcMappingTests.CalcApplication.class)) {
			ProcessResult result = GoPeer.runProgram(GoPeer.build("gomapped"), 60, "-addr=127.0.0.1:" + server.port());
			assertThat(result.stderr()).isEmpty();
			assertThat(result.exitCode()).isZero();
			assertThat(result.stdout()).isEqualTo("""
					add: 5
					flat: error: rpc: service/method request ill-formed: subtract
					two-params: error: rpc: can't find service Calc.Multiply
					add-again: 42
					""");
		}
	}

}
