package io.hellorpc.hello.client;

import java.io.IOException;
import java.nio.file.Path;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code bench/perf.sh} for a second or so a row, so that the documented benchmark keeps
 * working. It asserts that every row ran without errors, never how fast.
 */
class BenchmarkSmokeIT {

	@Test
	void perfScriptDrivesAllThreeServersAndTheJavaClientWithoutErrors() throws IOException {
		Path root = GoPeer.repositoryRoot();
		ProcessBuilder builder = new ProcessBuilder("bash", "bench/perf.sh", "0.5", "0.2", "2").directory(root.toFile());
		builder.environment().put("LOADS", "1x1 4x16");
		builder.environment().put("STARTUP", "0");
		builder.environment().put("BENCH_CLASSPATH", System.getProperty("java.class.path"));
		builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
		ProcessResult result = ProcessResult.of(builder.start(), 300);
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		assertThat(result.stdout()).contains("| 1 x 1 | hello-server (Java) |", "| 1 x 1 | Go net/rpc/jsonrpc |",
				"| 1 x 1 | floor (fixed reply) |", "| 4 x 16 | **ours / Go** |", "| 4 x 16 | RpcTemplate |",
				"RSS after the run, ours: ");
		assertThat(result.stdout()).doesNotContain("errors", "| 0 | 0 | 0 |");
	}

}
