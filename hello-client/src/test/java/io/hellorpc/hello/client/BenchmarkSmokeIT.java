package io.hellorpc.hello.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code bench/perf.sh} in its smoke mode (a fixed number of calls a row, nothing timed), so
 * that the documented benchmark keeps working end to end on any machine, however slow or busy:
 * every row must complete its calls without an error. It never asserts how fast.
 */
class BenchmarkSmokeIT {

	@Test
	void everyRowOfThePerfScriptCompletesItsCallsWithoutErrors() throws IOException {
		Path root = GoPeer.repositoryRoot();
		ProcessBuilder builder = new ProcessBuilder("bash", "bench/perf.sh").directory(root.toFile());
		builder.environment().put("CALLS", "200");
		builder.environment().put("LOADS", "1x1 4x16");
		builder.environment().put("STARTUP", "0");
		builder.environment().put("BENCH_CLASSPATH", System.getProperty("java.class.path"));
		builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
		ProcessResult result = ProcessResult.of(builder.start(), 600);
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		List<String> rows = result.stdout()
			.lines()
			.filter((line) -> line.matches("\\| \\d+ x \\d+ \\| [^*].*"))
			.toList();
		assertThat(rows).as(result.stdout())
			.anyMatch((row) -> row.startsWith("| 1 x 1 | hello-server (Java) |"))
			.anyMatch((row) -> row.startsWith("| 1 x 1 | Go net/rpc/jsonrpc |"))
			.anyMatch((row) -> row.startsWith("| 1 x 1 | floor (fixed reply) |"))
			.anyMatch((row) -> row.startsWith("| 4 x 16 | Go jsonrpc.Client, beside RpcTemplate, platform |"))
			.anyMatch((row) -> row.startsWith("| 4 x 16 | RpcTemplate, platform |"))
			.anyMatch((row) -> row.startsWith("| 4 x 16 | RpcTemplate, async |"))
			.anyMatch((row) -> row.startsWith("| 4 x 16 | 2.0, one call each |"))
			.anyMatch((row) -> row.startsWith("| 4 x 16 | 2.0, batches of 16 |"))
			.anyMatch((row) -> row.startsWith("| 1 x 1 | hello-server, NIO |"))
			.anyMatch((row) -> row.startsWith("| 4 x 16 | hello-server, default (nothing set) |"))
			.anyMatch((row) -> row.startsWith("| 4 x 16 | hello-server, task executor |"))
			.anyMatch((row) -> row.startsWith("| 4 x 16 | hello-server, TLS on the JDK |"))
			.anyMatch((row) -> row.startsWith("| 4 x 16 | hello-server, TLS on OpenSSL |"))
			.anyMatch((row) -> row.startsWith("| 4 x 16 | Go net/rpc/jsonrpc, crypto/tls |"))
			.hasSizeGreaterThanOrEqualTo(18)
			.allSatisfy((row) -> {
				assertThat(row).as("a row with errors").doesNotContain("errors");
				assertThat(callsPerSecond(row)).as("calls/s of " + row).isPositive();
			});
		assertThat(result.stdout()).contains("| 4 x 16 | **ours / Go** |", "RSS after the run, ours: ",
				"| 4 x 16 | **RpcTemplate, platform / Go (calls/s, p50, p99, client CPU)** |");
		List<String> handshakeRows = result.stdout()
			.lines()
			.filter((line) -> line.matches("\\| (ECDSA|RSA): (hello-server, (JDK|OpenSSL)|Go crypto/tls) \\|.*"))
			.toList();
		assertThat(handshakeRows).as(result.stdout()).hasSize(6).allSatisfy((row) -> {
			assertThat(row).as("a row with errors").doesNotContain("errors");
			assertThat(Double.parseDouble(row.split("\\|")[2].trim())).as("handshakes/s of " + row).isPositive();
		});
	}

	private static double callsPerSecond(String row) {
		return Double.parseDouble(row.split("\\|")[3].trim());
	}

}
