package io.hellorpc.hello.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.hellorpc.jsonrpc.support.Jdks;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RefusingPort;
import io.hellorpc.jsonrpc.support.ServerProcess;
import io.hellorpc.jsonrpc.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code hello-client.jar} run as a real process against {@code hello-server.jar} run as a real process. */
class HelloClientCliIT {

	private static final Path CLIENT_JAR = Path.of("target", "hello-client.jar");

	private static final Path SERVER_JAR = Path.of("..", "hello-server", "target", "hello-server.jar");

	private static ServerProcess server;

	private static int port;

	@BeforeAll
	static void startServer() {
		server = ServerProcess.start(Jdks.defaultLauncher(), SERVER_JAR, "--rpc.server.port=0", "--server.port=0", "--rpc.server.host=127.0.0.1", "--server.address=127.0.0.1");
		port = server.awaitRpcPort();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	static Stream<Named<Jdks.Jdk>> jdks() {
		return Jdks.versions();
	}

	@ParameterizedTest
	@MethodSource("jdks")
	void nameCiroPrintsExactlyHelloCiroAndExitsZero(Jdks.Jdk jdk) {
		ProcessResult result = client(jdk.assumeInstalled(), Map.of(), "--name=ciro", "--port=" + port);
		assertThat(result).isEqualTo(new ProcessResult(0, "Hello ciro\n", ""));
	}

	@Test
	void thePackagedJarRunsTheContextSpringAotGeneratedWithoutAFlag() {
		ProcessResult result = client(Jdks.defaultLauncher(), Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:stderr"),
				"--name=ciro", "--port=" + port);
		assertThat(result.exitCode()).isZero();
		assertThat(result.stdout()).isEqualTo("Hello ciro\n");
		assertThat(result.stderr()).contains("io.hellorpc.hello.client.HelloClientApplication__ApplicationContextInitializer")
			.doesNotContain("org.springframework.context.annotation.ConfigurationClassParser ")
			// a CLI of one call loads neither a YAML parser nor Logback (java.util.logging is the JDK's)
			.doesNotContain("org.yaml.snakeyaml.", "ch.qos.logback.");
	}

	@Test
	void theAotContextCanBeTurnedOff() {
		ProcessResult result = client(Jdks.defaultLauncher(), Map.of("JAVA_TOOL_OPTIONS",
				"-Dspring.aot.enabled=false -Xlog:class+load=info:stderr"), "--name=ciro", "--port=" + port);
		assertThat(result.stdout()).isEqualTo("Hello ciro\n");
		assertThat(result.stderr()).contains("org.springframework.context.annotation.ConfigurationClassParser ")
			.doesNotContain("HelloClientApplication__ApplicationContextInitializer");
	}

	@Test
	void anEmptyNameIsSentAndTheServersErrorIsPrintedOnStderr() {
		assertThat(client("--name=", "--port=" + port)).isEqualTo(new ProcessResult(1, "", "A name must be specified\n"));
	}

	@Test
	void noNameAtAllIsAnEmptyName() {
		assertThat(client("--port=" + port)).isEqualTo(new ProcessResult(1, "", "A name must be specified\n"));
	}

	@Test
	void anUnreachableServerIsOneLineAndExitTwo() {
		try (RefusingPort closed = new RefusingPort()) {
			// The server is tried again (with backoff) until the call's deadline, which then names why it failed.
			int port = closed.port();
			assertThat(client("--name=ciro", "--host=127.0.0.1", "--port=" + port, "--timeout=1s")).isEqualTo(
					new ProcessResult(2, "", "cannot reach 127.0.0.1:" + port + " within 1000 ms: 127.0.0.1:" + port
							+ " (Connection refused)\n"));
		}
	}

	@Test
	void debugAddsTheStackTrace() {
		try (RefusingPort closed = new RefusingPort()) {
			ProcessResult result = client("--name=ciro", "--host=127.0.0.1", "--port=" + closed.port(), "--timeout=1s", "--debug");
			assertThat(result.exitCode()).isEqualTo(2);
			// Spring's debug lines go to stderr too (java.util.logging): stdout holds answers only.
			assertThat(result.stdout()).isEmpty();
			assertThat(result.stderr()).containsPattern("(?m)^cannot reach 127\\.0\\.0\\.1:").contains("RpcConnectionException", "\tat ");
		}
	}

	@Test
	void aServerThatNeverAnswersIsATimeoutAndExitThree() throws IOException {
		// Accepts (the backlog does) and never answers: the client's deadline is the only way out. The
		// deadline leaves the connection time to open on a loaded machine (seen under two CPU hogs: a
		// 300 ms deadline ran out while still connecting, which is exit 2, not 3).
		try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			assertThat(client("--name=ciro", "--host=127.0.0.1", "--port=" + silent.getLocalPort(), "--timeout=5s"))
				.isEqualTo(new ProcessResult(3, "", "Handler.Execute to 127.0.0.1:" + silent.getLocalPort()
						+ " got no reply within 5000 ms\n"));
		}
	}

	@Test
	void anUnknownOptionPrintsUsageOnStderrAndExits64() {
		assertThat(client("--nmae=ciro")).isEqualTo(
				new ProcessResult(64, "", "hello-client: unknown option '--nmae'\n" + CommandLine.USAGE));
	}

	@Test
	void aBadPortIsAUsageError() {
		assertThat(client("--port=http")).isEqualTo(new ProcessResult(64, "",
				"hello-client: --port must be a number from 1 to 65535, not 'http'\n" + CommandLine.USAGE));
	}

	@Test
	void helpPrintsUsageOnStdoutAndExitsZero() {
		assertThat(client("--help")).isEqualTo(new ProcessResult(0, CommandLine.USAGE, ""));
	}

	@Test
	void hostAndPortComeFromTheEnvironmentThroughRelaxedBinding() {
		ProcessResult result = client(Jdks.defaultLauncher(),
				Map.of("RPC_CLIENT_HOST", "127.0.0.1", "RPC_CLIENT_PORT", String.valueOf(port)), "--name=env");
		assertThat(result).isEqualTo(new ProcessResult(0, "Hello env\n", ""));
	}

	@Test
	void countMakesThatManyCallsPrintingTheFirstReplyAndASummary() throws Exception {
		double before = executeCalls();
		assertThat(client("--name=ciro", "--port=" + port, "--count=50", "--concurrency=4"))
			.isEqualTo(new ProcessResult(0, "Hello ciro\n50 calls: 50 ok, 0 failed\n", ""));
		// The server ran exactly fifty more: the count is calls made, not a loop that printed.
		assertThat(executeCalls() - before).isEqualTo(50);
	}

	@Test
	void countOfOnePrintsExactlyTheReplyAsWithoutIt() {
		assertThat(client("--name=ciro", "--port=" + port, "--count=1", "--concurrency=8"))
			.isEqualTo(new ProcessResult(0, "Hello ciro\n", ""));
	}

	@Test
	void countWithFailingCallsExitsWithTheFirstFailuresCodeAndPrintsItOnStderr() {
		assertThat(client("--name=", "--port=" + port, "--count=3"))
			.isEqualTo(new ProcessResult(1, "3 calls: 0 ok, 3 failed\n", "A name must be specified\n"));
		try (RefusingPort closed = new RefusingPort()) {
			ProcessResult result = client("--name=ciro", "--host=127.0.0.1", "--port=" + closed.port(), "--count=2",
					"--timeout=500ms");
			assertThat(result.exitCode()).isEqualTo(2);
			assertThat(result.stdout()).isEqualTo("2 calls: 0 ok, 2 failed\n");
			assertThat(result.stderr()).startsWith("cannot reach 127.0.0.1:" + closed.port()).hasLineCount(1);
		}
	}

	@Test
	void aCountThatIsNotAPositiveNumberIsAUsageError() {
		assertThat(client("--count=0")).isEqualTo(new ProcessResult(64, "",
				"hello-client: --count must be a number from 1 to 1000000, not '0'\n" + CommandLine.USAGE));
		assertThat(client("--concurrency=many")).isEqualTo(new ProcessResult(64, "",
				"hello-client: --concurrency must be a number from 1 to 10000, not 'many'\n" + CommandLine.USAGE));
		assertThat(client("--count")).isEqualTo(
				new ProcessResult(64, "", "hello-client: --count needs a value\n" + CommandLine.USAGE));
	}

	/** {@code Handler.Execute} calls the server has run, from its own scrape. */
	private static double executeCalls() throws Exception {
		Pattern started = Pattern.compile("Tomcat started on port (\\d+)");
		await().atMost(Duration.ofSeconds(60)).until(() -> started.matcher(server.output()).find());
		Matcher matcher = started.matcher(server.output());
		assertThat(matcher.find()).isTrue();
		String scrape = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + matcher.group(1) + "/actuator/prometheus")).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
		return scrape.lines()
			.filter((line) -> line.startsWith("rpc_server_requests_seconds_count{") && line.contains("rpc_method=\"Execute\""))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private static ProcessResult client(String... args) {
		return client(Jdks.defaultLauncher(), Map.of(), args);
	}

	private static ProcessResult client(Path java, Map<String, String> environment, String... args) {
		List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", CLIENT_JAR.toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().putAll(environment);
		try {
			return ProcessResult.of(builder.start(), 60);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void overMutualTlsTheJarsGreetEachOtherAndAClientWithoutACertificateIsRefused() {
		TestCertificates certificates = TestCertificates.get();
		List<String> serverArgs = new ArrayList<>(List.of("--rpc.server.port=0", "--server.port=0", "--rpc.server.host=127.0.0.1",
				"--server.address=127.0.0.1", "--rpc.server.ssl.bundle=rpc", "--rpc.server.ssl.client-auth=need"));
		TestCertificates.bundleProperties("rpc", certificates.server(), certificates.ca()).forEach((p) -> serverArgs.add("--" + p));
		try (ServerProcess tls = ServerProcess.start(Jdks.defaultLauncher(), SERVER_JAR, serverArgs.toArray(String[]::new))) {
			int tlsPort = tls.awaitRpcPort();
			List<String> clientArgs = new ArrayList<>(List.of("--name=ciro", "--host=127.0.0.1", "--port=" + tlsPort,
					"--rpc.client.ssl.bundle=mine"));
			TestCertificates.bundleProperties("mine", certificates.client(), certificates.ca()).forEach((p) -> clientArgs.add("--" + p));
			assertThat(client(clientArgs.toArray(String[]::new))).isEqualTo(new ProcessResult(0, "Hello ciro\n", ""));

			List<String> anonymousArgs = new ArrayList<>(List.of("--name=ciro", "--host=127.0.0.1", "--port=" + tlsPort,
					"--rpc.client.ssl.bundle=mine"));
			TestCertificates.bundleProperties("mine", null, certificates.ca()).forEach((p) -> anonymousArgs.add("--" + p));
			ProcessResult refused = client(anonymousArgs.toArray(String[]::new));
			assertThat(refused.exitCode()).isEqualTo(2);
			assertThat(refused.stdout()).isEmpty();
			assertThat(refused.stderr()).startsWith("connection to 127.0.0.1:" + tlsPort).contains("certificate").hasLineCount(1);
		}
	}

	@Test
	void aClientSslBundleThatDoesNotExistIsOneLineSayingWhatToDefine() {
		assertThat(client("--name=ciro", "--port=" + port, "--rpc.client.ssl.bundle=nope")).isEqualTo(new ProcessResult(78, "",
				"hello-client: rpc.client.ssl.bundle is 'nope', but no SSL bundle has that name: "
						+ "define spring.ssl.bundle.pem.nope.* or spring.ssl.bundle.jks.nope.*\n"));
	}

}
