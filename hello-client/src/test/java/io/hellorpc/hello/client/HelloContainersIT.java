package io.hellorpc.hello.client;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.github.dockerjava.api.DockerClient;
import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.support.GoPeer;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.DockerComposeContainer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame.OutputType;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.utility.DockerStatus;
import org.testcontainers.utility.LogUtils;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.MountableFile;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
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
			assertThat(rpc.call("Handler.Execute", new Greeter.Request("host"), Greeter.Response.class))
				.isEqualTo(new Greeter.Response("Hello host"));
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
			rpc.call("Handler.Execute", new Greeter.Request("scraped"), Greeter.Response.class);
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

	@Test
	void overMutualTlsAsDockerComposeMtlsRunsItTheClientContainerGreetsTheServerContainer(@TempDir Path certs)
			throws Exception {
		Map<String, Map<String, Object>> services = composeServices("docker-compose.mtls.yml");
		try (GenericContainer<?> maker = new GenericContainer<>(image("demo-certs")).withCommand("sleep", "300")) {
			maker.start();
			for (String file : List.of("server.p12", "client.p12", "trust.p12")) {
				maker.copyFileFromContainer("/certs/" + file, certs.resolve(file).toString());
			}
		}
		try (Network tlsNetwork = Network.newNetwork();
				GenericContainer<?> tlsServer = withCertificates(new GenericContainer<>(image("hello-server")), certs)
					.withNetwork(tlsNetwork)
					.withNetworkAliases("hello-server")
					.withEnv(environment(services, "hello-server"))
					.withExposedPorts(8080)
					.waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(8080).withStartupTimeout(Duration.ofMinutes(2)))) {
			tlsServer.start();
			Map<String, String> clientEnvironment = new HashMap<>(environment(services, "hello-client"));
			clientEnvironment.put("RPC_CLIENT_HOST", "hello-server");
			try (GenericContainer<?> client = oneShot(withCertificates(new GenericContainer<>(image("hello-client")), certs)
				.withNetwork(tlsNetwork)
				.withEnv(clientEnvironment))) {
				client.start();
				assertThat(client.getLogs(OutputType.STDOUT)).isEqualTo("Hello ciro\n");
				assertThat(client.getCurrentContainerInfo().getState().getExitCodeLong()).isZero();
			}
			// The same client trusting the CA but presenting no certificate: refused, one line, exit 2.
			clientEnvironment.keySet().removeIf((name) -> name.contains("_KEYSTORE_"));
			try (GenericContainer<?> anonymous = oneShot(withCertificates(new GenericContainer<>(image("hello-client")), certs)
				.withNetwork(tlsNetwork)
				.withEnv(clientEnvironment))) {
				anonymous.setStartupCheckStrategy(new Exited().withTimeout(Duration.ofMinutes(1)));
				anonymous.start();
				assertThat(anonymous.getCurrentContainerInfo().getState().getExitCodeLong()).isEqualTo(2);
				// The connection is named by the address hello-server resolved to (each replica is one).
				assertThat(anonymous.getLogs(OutputType.STDERR)).matches("(?s)connection to [0-9.]+:1337 broken: .*certificate.*");
			}
		}
	}

	/**
	 * {@code docker-compose.yml} itself, run by Docker Compose as {@code docker compose up --scale
	 * hello-server=3} with {@code HELLO_CLIENT_COUNT=300}: three replicas under the one name
	 * {@code hello-server}, the client's one run of 300 calls, Prometheus scraping every replica. The
	 * host ports are ephemeral ones on the loopback ({@code HELLO_SERVER_*_PORTS=127.0.0.1:}), and
	 * the images are the ones this class builds from the tree (an override file names them), so
	 * Compose builds nothing.
	 */
	@Nested
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	class ScaledToThreeReplicas {

		private static final int REPLICAS = 3;

		private static final int CALLS = 300;

		private DockerComposeContainer<?> compose;

		private InspectContainerResponse clientRun;

		@BeforeAll
		void upScaledToThreeWithTheClientMakingThreeHundredCalls(@TempDir Path overrides) throws Exception {
			Path override = overrides.resolve("docker-compose.it.yml");
			Files.writeString(override, String.join("\n", "services:", "  hello-server:",
					"    image: " + image("hello-server").get(), "  hello-client:", "    image: " + image("hello-client").get(), ""));
			this.compose = new DockerComposeContainer<>(ROOT.resolve("docker-compose.yml").toFile(), override.toFile())
				.withEnv(Map.of("HELLO_SERVER_RPC_PORTS", "127.0.0.1:", "HELLO_SERVER_ACTUATOR_PORTS", "127.0.0.1:",
						"PROMETHEUS_PORT", "127.0.0.1:", "HELLO_CLIENT_COUNT", String.valueOf(CALLS)))
				.withScaledService("hello-server", REPLICAS)
				// All three: given none, Testcontainers would bring up only the scaled one.
				.withServices("hello-server", "prometheus", "hello-client")
				.withPull(false)
				.withBuild(false);
			// Compose starts the client once every replica is healthy (depends_on: service_healthy).
			this.compose.start();
			String project = replica(1).getContainerInfo().getConfig().getLabels().get("com.docker.compose.project");
			DockerClient docker = DockerClientFactory.instance().client();
			String client = await().atMost(Duration.ofMinutes(2))
				.until(() -> docker.listContainersCmd()
					.withShowAll(true)
					.withLabelFilter(Map.of("com.docker.compose.project", project, "com.docker.compose.service", "hello-client"))
					.exec()
					.stream()
					.map(com.github.dockerjava.api.model.Container::getId)
					.findFirst()
					.orElse(null), (id) -> id != null);
			this.clientRun = await().atMost(Duration.ofMinutes(2))
				.until(() -> docker.inspectContainerCmd(client).exec(), (run) -> "exited".equals(run.getState().getStatus()));
			// A few calls that fail, so that the error series (alerts, dashboard) have data too; not
			// Handler.Execute, whose calls the tests count.
			try (RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", publishedPort(replica(1), 1337)).build()) {
				for (int call = 0; call < 3; call++) {
					assertThatExceptionOfType(RpcRemoteException.class)
						.isThrownBy(() -> rpc.call("Handler.Missing", new Greeter.Request("x"), Greeter.Response.class));
				}
			}
		}

		@AfterAll
		void down() {
			if (this.compose != null) {
				this.compose.stop();
			}
		}

		@Test
		void theClientContainerMakesThreeHundredCallsAllAnsweredAndSaysSo() {
			DockerClient docker = DockerClientFactory.instance().client();
			assertThat(LogUtils.getOutput(docker, this.clientRun.getId(), OutputType.STDOUT))
				.isEqualTo("Hello ciro\n" + CALLS + " calls: " + CALLS + " ok, 0 failed\n");
			assertThat(LogUtils.getOutput(docker, this.clientRun.getId(), OutputType.STDERR)).isEmpty();
			assertThat(this.clientRun.getState().getExitCodeLong()).isZero();
		}

		@Test
		void prometheusFindsEveryReplicaThroughDnsAndScrapesEachUp() {
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(prometheus("count(up{job=\"hello-server\"} == 1)")).contains("\"value\":[")
					.endsWith(",\"" + REPLICAS + "\"]}]}}"));
		}

		@Test
		void theThreeHundredCallsSpreadOverAllThreeReplicas() throws Exception {
			Map<String, Double> callsByReplica = new TreeMap<>();
			for (int index = 1; index <= REPLICAS; index++) {
				ContainerState replica = replica(index);
				callsByReplica.put(replica.getContainerInfo().getName().substring(1),
						executeCalls(get("http://127.0.0.1:" + publishedPort(replica, 8080) + "/actuator/prometheus")));
			}
			assertThat(callsByReplica.values().stream().mapToDouble(Double::doubleValue).sum())
				.as("Handler.Execute calls run, by replica: %s", callsByReplica)
				.isEqualTo(CALLS);
			assertThat(callsByReplica).as("Handler.Execute calls run, by replica")
				.allSatisfy((replica, calls) -> assertThat(calls).as(replica).isPositive());
			// The README's query shows the same: one series per replica (instance = its address).
			Pattern instance = Pattern.compile("\"instance\":\"[^\"]+:8080\"");
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(instance
					.matcher(prometheus("sum by (instance) (rpc_server_requests_seconds_count{rpc_method=\"Execute\"})"))
					.results()
					.count()).isEqualTo(REPLICAS));
		}

		@Test
		void prometheusLoadsEveryAlertAndRecordingRuleOfOpsPrometheus() throws Exception {
			Set<String> expected = ruleNames();
			assertThat(expected).hasSizeGreaterThan(4);
			JsonNode groups = json(prometheusApi("/api/v1/rules")).path("data").path("groups");
			Map<String, String> loaded = new TreeMap<>();
			for (JsonNode group : groups) {
				for (JsonNode rule : group.path("rules")) {
					loaded.put(rule.path("name").asString(), rule.path("health").asString());
				}
			}
			assertThat(loaded.keySet()).isEqualTo(expected);
			await().atMost(Duration.ofSeconds(90))
				.untilAsserted(() -> assertThat(healthOfEachRule()).as("health of each rule").allSatisfy((rule, health) -> assertThat(health).as(rule).isEqualTo("ok")));
		}

		@Test
		void afterRealCallsEveryRecordingRuleHasAValueForHandlerExecute() throws Exception {
			for (String record : recordingRuleNames()) {
				await().atMost(Duration.ofSeconds(120))
					.untilAsserted(() -> assertThat(result(record + "{rpc_service=\"Handler\",rpc_method=\"Execute\"}"))
						.as(record)
						.isNotEmpty());
			}
			// 300 calls, none failed: the error ratio is there (the loop above; without the rule's zero-fill
			// it has no series at all) and no error: 0, or NaN (0/0) when every call was made before the
			// first scrape, so that the counter did not move within the window (seen in CI)
			assertThat(result("job_service_method:rpc_server_request_errors_per_requests:ratio_rate5m{rpc_method=\"Execute\"}").get(0)
				.path("value").get(1).asString()).isIn("0", "NaN");
		}

		/**
		 * Every query of every panel of ops/grafana/hello-rpc.json, as Grafana would send it, returns
		 * data from this Prometheus, and every metric it names is in a replica's scrape.
		 */
		@Test
		void everyDashboardQueryReturnsDataAndNamesOnlyMetricsTheServerExports() throws Exception {
			List<String> queries = DashboardQueries.of(json(Files.readString(ROOT.resolve("ops/grafana/hello-rpc.json"))));
			assertThat(queries).hasSizeGreaterThan(10);
			String scrape = get("http://127.0.0.1:" + publishedPort(replica(1), 8080) + "/actuator/prometheus");
			Set<String> exported = scrape.lines()
				.filter((line) -> !line.startsWith("#") && !line.isBlank())
				.map((line) -> line.split("[{ ]", 2)[0])
				.collect(Collectors.toCollection(TreeSet::new));
			for (String query : queries) {
				assertThat(DashboardQueries.metricNames(query)).as(query).isNotEmpty().allSatisfy((name) -> assertThat(exported).as("metrics in /actuator/prometheus").contains(name));
				String promql = DashboardQueries.asGrafanaSendsIt(query);
				await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(result(promql)).as(promql).isNotEmpty());
			}
		}

		private Map<String, String> healthOfEachRule() throws Exception {
			Map<String, String> health = new TreeMap<>();
			for (JsonNode group : json(prometheusApi("/api/v1/rules")).path("data").path("groups")) {
				for (JsonNode rule : group.path("rules")) {
					health.put(rule.path("name").asString(), rule.path("health").asString());
				}
			}
			return health;
		}

		private List<JsonNode> result(String query) throws Exception {
			JsonNode answer = json(prometheus(query));
			assertThat(answer.path("status").asString()).as(query + ": " + answer).isEqualTo("success");
			List<JsonNode> series = new ArrayList<>();
			answer.path("data").path("result").forEach(series::add);
			return series;
		}

		private String prometheusApi(String path) throws Exception {
			int port = publishedPort(this.compose.getContainerByServiceName("prometheus_1").orElseThrow(), 9090);
			return get("http://127.0.0.1:" + port + path);
		}

		/** The ephemeral host port Docker published the container's port on (Compose's, not Testcontainers' mapping). */
		private int publishedPort(ContainerState container, int port) {
			return Integer.parseInt(container.getContainerInfo().getNetworkSettings().getPorts().getBindings()
				.get(ExposedPort.tcp(port))[0].getHostPortSpec());
		}

		private ContainerState replica(int index) {
			return this.compose.getContainerByServiceName("hello-server_" + index).orElseThrow();
		}

		private String prometheus(String query) throws Exception {
			int port = publishedPort(this.compose.getContainerByServiceName("prometheus_1").orElseThrow(), 9090);
			return get("http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
		}

	}

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static JsonNode json(String text) {
		return JSON.readTree(text);
	}

	/** The names of the rules in ops/prometheus/hello-rpc.rules.yml: alerts and recordings. */
	private static Set<String> ruleNames() throws Exception {
		return rules().stream()
			.map((rule) -> (String) rule.getOrDefault("alert", rule.get("record")))
			.collect(Collectors.toCollection(TreeSet::new));
	}

	private static List<String> recordingRuleNames() throws Exception {
		return rules().stream().filter((rule) -> rule.containsKey("record")).map((rule) -> (String) rule.get("record")).toList();
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> rules() throws Exception {
		Map<String, Object> file = new Yaml().load(Files.readString(ROOT.resolve("ops/prometheus/hello-rpc.rules.yml")));
		return ((List<Map<String, Object>>) file.get("groups")).stream()
			.flatMap((group) -> ((List<Map<String, Object>>) group.get("rules")).stream())
			.toList();
	}

	/** The {@code Handler.Execute} calls a scrape counts, every outcome summed. */
	private static double executeCalls(String scrape) {
		Matcher sample = Pattern.compile("(?m)^rpc_server_requests_seconds_count\\{([^}]*)\\} (\\S+)$").matcher(scrape);
		double calls = 0;
		while (sample.find()) {
			if (sample.group(1).contains("rpc_method=\"Execute\"")) {
				calls += Double.parseDouble(sample.group(2));
			}
		}
		return calls;
	}

	/** Started once the container has run to its end, whatever its exit status (the test asserts on it). */
	private static final class Exited extends StartupCheckStrategy {

		@Override
		public StartupStatus checkStartupState(DockerClient docker, String containerId) {
			return DockerStatus.isContainerStopped(getCurrentState(docker, containerId)) ? StartupStatus.SUCCESSFUL
					: StartupStatus.NOT_YET_KNOWN;
		}

	}

	private static GenericContainer<?> oneShot(GenericContainer<?> container) {
		return container.withCommand("--name=ciro")
			.withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(1)));
	}

	private static GenericContainer<?> withCertificates(GenericContainer<?> container, Path certs) {
		for (String file : List.of("server.p12", "client.p12", "trust.p12")) {
			container.withCopyFileToContainer(MountableFile.forHostPath(certs.resolve(file), 0644), "/certs/" + file);
		}
		return container;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Map<String, Object>> composeServices(String file) throws Exception {
		Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve(file)));
		return (Map<String, Map<String, Object>>) compose.get("services");
	}

	/** A service's environment exactly as the compose file gives it. */
	@SuppressWarnings("unchecked")
	private static Map<String, String> environment(Map<String, Map<String, Object>> services, String service) {
		Map<String, String> environment = new HashMap<>();
		((Map<String, Object>) services.get(service).get("environment"))
			.forEach((name, value) -> environment.put(name, String.valueOf(value)));
		return environment;
	}

	private static ImageFromDockerfile image(String target) {
		return new ImageFromDockerfile("hello-rpc/" + target + ":it", false).withDockerfile(ROOT.resolve("Dockerfile"))
			.withTarget(target);
	}

	private String get(int port, String path) throws Exception {
		return get("http://localhost:" + port + path);
	}

	private String get(String url) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
	}

}
