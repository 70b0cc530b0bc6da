package io.hellorpc.hello.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.support.GoPeer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame.OutputType;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.MountableFile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The images the top-level Dockerfile builds, run as docker compose runs them: the server, the
 * client container calling it by name, and a Prometheus scraping it. Skipped without Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
class HelloContainersIT {

	private static final Path ROOT = GoPeer.repositoryRoot();

	private static final Network network = Network.newNetwork();

	@Container
	private static final GenericContainer<?> server = new GenericContainer<>(image("hello-server"))
		.withNetwork(network)
		.withNetworkAliases("hello-server")
		.withExposedPorts(1337, 8080)
		.waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(8080).withStartupTimeout(Duration.ofMinutes(2)));

	private final HttpClient http = HttpClient.newHttpClient();

	@AfterAll
	static void closeNetwork() {
		network.close();
	}

	@Test
	void rpcTemplateOnTheHostCallsTheServerContainer() {
		try (RpcTemplate rpc = new RpcTemplateBuilder().address(server.getHost(), server.getMappedPort(1337)).build()) {
			assertThat(rpc.call("Handler.Execute", new HelloCommand.Request("host"), HelloCommand.Response.class))
				.isEqualTo(new HelloCommand.Response("Hello host"));
		}
	}

	@Test
	void theClientContainerPrintsHelloCiroAndExitsZero() {
		try (GenericContainer<?> client = new GenericContainer<>(image("hello-client")).withNetwork(network)
			.withEnv("RPC_CLIENT_HOST", "hello-server")
			.withCommand("--name=ciro")
			.withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(1)))) {
			client.start();
			assertThat(client.getLogs(OutputType.STDOUT)).isEqualTo("Hello ciro\n");
			assertThat(client.getLogs(OutputType.STDERR)).isEmpty();
			assertThat(client.getCurrentContainerInfo().getState().getExitCodeLong()).isZero();
		}
	}

	@Test
	void prometheusScrapesTheServerAndReportsTheTargetUp() throws Exception {
		try (RpcTemplate rpc = new RpcTemplateBuilder().address(server.getHost(), server.getMappedPort(1337)).build()) {
			rpc.call("Handler.Execute", new HelloCommand.Request("scraped"), HelloCommand.Response.class);
		}
		assertThat(get(server.getMappedPort(8080), "/actuator/prometheus"))
			.contains("rpc_server_requests_seconds_count{error=\"none\",outcome=\"SUCCESS\"");
		try (GenericContainer<?> prometheus = new GenericContainer<>("prom/prometheus:v3.5.0").withNetwork(network)
			.withCopyFileToContainer(MountableFile.forHostPath(ROOT.resolve("prometheus/prometheus.yml")),
					"/etc/prometheus/prometheus.yml")
			.withCommand("--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus")
			.withExposedPorts(9090)
			.waitingFor(Wait.forHttp("/-/ready").forPort(9090))) {
			prometheus.start();
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(get(prometheus.getMappedPort(9090), "/api/v1/query?query=up%7Bjob%3D%22hello-server%22%7D"))
					.contains("\"value\":[").contains("\"1\"]"));
		}
	}

	private static ImageFromDockerfile image(String target) {
		return new ImageFromDockerfile("hello-rpc/" + target + ":it", false).withDockerfile(ROOT.resolve("Dockerfile"))
			.withTarget(target);
	}

	private String get(int port, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString()).body();
	}

}
