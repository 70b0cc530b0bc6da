package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Go's own net/rpc/jsonrpc client, unchanged, against our server. */
class GoClientInteropTests {

	@Test
	void goClientGetsHelloErrorsAndTwoHundredConcurrentRepliesOnOneConnection() {
		try (RunningServer server = RunningServer.start()) {
			ProcessResult result = GoPeer.run(60, "-mode=check", "-addr=127.0.0.1:" + server.port());
			assertThat(result.stderr()).isEmpty();
			assertThat(result.exitCode()).isZero();
			assertThat(result.stdout()).isEqualTo("""
					hello: Hello ciro
					empty-name: error: A name must be specified
					unknown-method: error: rpc: can't find method Handler.Nope
					unknown-service: error: rpc: can't find service Nope.Execute
					after-errors: Hello again
					concurrent: 200/200 right\s
					""");
		}
	}

}
