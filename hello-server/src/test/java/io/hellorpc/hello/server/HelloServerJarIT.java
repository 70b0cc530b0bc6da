package io.hellorpc.hello.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.Jdks;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.ServerProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged {@code hello-server.jar}, started as a process on each JDK at hand. */
class HelloServerJarIT {

	private static final Path JAR = Path.of("target", "hello-server.jar");

	private static final String HELLO = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":0}\n";

	static Stream<Named<Jdks.Jdk>> jdks() {
		return Jdks.versions();
	}

	@ParameterizedTest
	@MethodSource("jdks")
	void handMadeCallGetsHelloCiroOnEveryJdk(Jdks.Jdk jdk) {
		try (ServerProcess server = ServerProcess.start(jdk.assumeInstalled(), JAR, "--rpc.server.port=0", "--server.port=0", "--rpc.server.host=127.0.0.1", "--server.address=127.0.0.1")) {
			try (RawConnection connection = new RawConnection(server.awaitRpcPort())) {
				connection.send(HELLO);
				assertThat(connection.readLine()).isEqualTo("{\"id\":0,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}");
			}
			assertThat(server.terminate(Duration.ofSeconds(20))).isZero();
		}
	}

	@Test
	void goClientTalksToTheJar() {
		try (ServerProcess server = ServerProcess.start(Jdks.defaultLauncher(), JAR, "--rpc.server.port=0", "--server.port=0", "--rpc.server.host=127.0.0.1", "--server.address=127.0.0.1")) {
			int port = server.awaitRpcPort();
			ProcessResult result = GoPeer.run(60, "-mode=check", "-addr=127.0.0.1:" + port);
			assertThat(result.exitCode()).as(result.stderr()).isZero();
			assertThat(result.stderr()).isEmpty();
			assertThat(result.stdout()).isEqualTo("""
					hello: Hello ciro
					empty-name: error: A name must be specified
					unknown-method: error: rpc: can't find method Handler.Nope
					unknown-service: error: rpc: can't find service Nope.Execute
					after-errors: Hello again
					concurrent: 200/200 right\s
					""");
			// Go's client exits 1 with the server's error text on stderr when its call fails.
			ProcessResult failed = GoPeer.run(60, "-mode=call", "-addr=127.0.0.1:" + port, "-name=");
			assertThat(failed.exitCode()).isEqualTo(1);
			assertThat(failed.stdout()).isEmpty();
			assertThat(failed.stderr()).isEqualTo("A name must be specified\n");
		}
	}

	@Test
	void sigtermAnswersEveryCallAlreadySentThenExitsZero() {
		try (ServerProcess server = ServerProcess.start(Jdks.defaultLauncher(), JAR, "--rpc.server.port=0", "--server.port=0", "--rpc.server.host=127.0.0.1", "--server.address=127.0.0.1")) {
			int port = server.awaitRpcPort();
			int calls = 2000;
			try (RawConnection connection = new RawConnection(port)) {
				connection.send(HELLO.repeat(calls));
				assertThat(connection.readLine()).contains("Hello ciro");
				int exitCode = server.terminate(Duration.ofSeconds(20));
				int replies = 1;
				String line;
				while ((line = connection.readLine()) != null) {
					assertThat(line).isEqualTo("{\"id\":0,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}");
					replies++;
				}
				assertThat(replies).isEqualTo(calls);
				assertThat(exitCode).isZero();
			}
			assertThat(server.output()).contains("JSON-RPC server on", "stopped").doesNotContain("WARN", "ERROR");
		}
	}

}
