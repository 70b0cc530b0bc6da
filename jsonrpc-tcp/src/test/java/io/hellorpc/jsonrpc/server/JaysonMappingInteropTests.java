package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.support.Json2Peers;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** npm's jayson client (interop/node/jayson-mapped.js) calling {@link RpcMapping} methods. */
class JaysonMappingInteropTests {

	@Test
	void jaysonCallsAMultiParamMethodPositionallyAndByName() {
		try (RunningServer server = RunningServer.start(RpcMappingTests.CalcApplication.class)) {
			ProcessResult result = Json2Peers.jaysonMapped(server.port());
			assertThat(result.stderr()).isEmpty();
			assertThat(result.exitCode()).isZero();
			assertThat(result.stdout()).isEqualTo("""
					positional: 19
					named: 19
					varargs: 7
					no params: ["hello",5]
					missing: error -32602 invalid params: missing param "subtrahend" of subtract(minuend, subtrahend)
					""");
		}
	}

}
