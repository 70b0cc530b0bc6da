package io.hellorpc.hello.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.hellorpc.jsonrpc.server.RpcServerProperties;
import io.kubernetes.client.custom.Quantity;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * deploy/kubernetes, as {@code kubectl kustomize} renders it, is valid against the Kubernetes API
 * schema and agrees with the application it deploys: a real hello-server, started here with the
 * Deployment's environment, answers the probes' paths with UP; the container ports are the ports
 * the application listens on when nothing overrides them; the termination grace outlasts the
 * preStop sleep and the application's own shutdown; the Services select the Deployment's pods;
 * the client Job calls the headless Service; the pods run as the Dockerfile's user.
 */
class KubernetesManifestsTests {

	/** Past the preStop sleep and the application's stop: the JVM's exit, the last log lines. */
	private static final Duration GRACE_MARGIN = Duration.ofSeconds(5);

	/**
	 * After the JSON-RPC drain, Netty's event loops shut down with a quiet period of up to a second
	 * each, acceptor then workers (NettyRpcServer#shutdown).
	 */
	private static final Duration EVENT_LOOP_SHUTDOWN = Duration.ofSeconds(2);

	/** What a JVM needs beyond heap and direct memory: metaspace, code cache, thread stacks, the AOT cache. */
	private static final long NON_HEAP_HEADROOM = 256L * 1024 * 1024;

	private static Path root;

	private static List<Map<String, Object>> rendered;

	private static ConfigurableApplicationContext server;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void renderAndStartTheServer() throws Exception {
		root = projectRoot();
		rendered = kustomize(root.resolve("deploy/kubernetes"));
		// The container runs the jar with no arguments: only application.yml and its environment
		// configure it. Here the ports are random and the listener on loopback (command-line
		// arguments), and configured() leaves those arguments out again.
		server = new SpringApplicationBuilder(HelloServerApplication.class)
			.initializers((context) -> context.getEnvironment().getPropertySources()
				.addBefore(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						new SystemEnvironmentPropertySource("deploymentEnvironment", new HashMap<>(env(serverContainer())))))
			.run("--server.port=0", "--rpc.server.port=0", "--rpc.server.host=127.0.0.1");
	}

	@AfterAll
	static void stopTheServer() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void theRenderedManifestsAreValidAgainstTheKubernetesApiSchema() {
		assertThat(rendered).extracting((object) -> object.get("kind") + "/" + name(object))
			.containsExactlyInAnyOrder("Deployment/hello-server", "Service/hello-server",
					"Service/hello-server-metrics", "PodDisruptionBudget/hello-server", "Job/hello-client");
		assertThat(KubernetesSchema.problems(rendered)).isEmpty();
	}

	@Test
	void anUnknownFieldOrAWrongTypeInAManifestFailsValidation(@TempDir Path copy) throws Exception {
		Path broken = copyOfTheBase(copy.resolve("unknown-field"));
		replace(broken.resolve("hello-server-deployment.yaml"), "readOnlyRootFilesystem: true",
				"readOnlyRootFileSystem: true");
		assertThat(KubernetesSchema.problems(kustomize(broken))).singleElement(InstanceOfAssertFactories.STRING)
			.startsWith("apps/v1 Deployment hello-server: ")
			.contains("`readOnlyRootFileSystem`", "not defined in the `V1SecurityContext` properties");

		Path wrongType = copyOfTheBase(copy.resolve("wrong-type"));
		replace(wrongType.resolve("hello-server-service.yaml"), "port: 1337", "port: rpc");
		assertThat(KubernetesSchema.problems(kustomize(wrongType))).singleElement(InstanceOfAssertFactories.STRING)
			.isEqualTo("v1 Service hello-server: java.lang.NumberFormatException: For input string: \"rpc\"");

		Path listForScalar = copyOfTheBase(copy.resolve("list-for-scalar"));
		replace(listForScalar.resolve("hello-client-job.yaml"), "image: hello-rpc/hello-client:latest",
				"image: [hello-rpc/hello-client:latest]");
		assertThat(KubernetesSchema.problems(kustomize(listForScalar))).singleElement(InstanceOfAssertFactories.STRING)
			.isEqualTo("batch/v1 Job hello-client: Expected the field `image` to be a primitive type in the JSON string"
					+ " but got `[\"hello-rpc/hello-client:latest\"]`");
	}

	@Test
	void theProbePathsAnswerUpOnARunningHelloServer() {
		Map<String, Object> container = serverContainer();
		int httpPort = server.getEnvironment().getProperty("local.server.port", Integer.class);
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			Map<String, Object> httpGet = map(map(container, probe), "httpGet");
			// the probe's port is the container's port that the application serves HTTP on
			assertThat(containerPort(container, httpGet.get("port"))).as(probe + " port")
				.isEqualTo(configuredServerPort());
			String path = (String) httpGet.get("path");
			await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
				HttpResponse<String> response = this.http.send(
						HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(response.statusCode()).as(probe + " " + path).isEqualTo(200);
				JsonObject health = JsonParser.parseString(response.body()).getAsJsonObject();
				assertThat(health.get("status").getAsString()).as(probe + " " + path).isEqualTo("UP");
				if (probe.equals("readinessProbe")) {
					// readiness is the listener's too: the rpc contributor is in the group
					assertThat(health.getAsJsonObject("components").keySet()).contains("readinessState", "rpc");
				}
			});
		}
		assertThat(map(map(container, "livenessProbe"), "httpGet").get("path")).isEqualTo("/actuator/health/liveness");
		assertThat(map(map(container, "readinessProbe"), "httpGet").get("path")).isEqualTo("/actuator/health/readiness");
	}

	@Test
	void theContainerPortsAreThePortsTheApplicationListensOn() {
		Map<String, Object> container = serverContainer();
		assertThat(containerPort(container, "rpc")).isEqualTo(configuredRpcServer().port()).isEqualTo(1337);
		assertThat(containerPort(container, "http")).isEqualTo(configuredServerPort()).isEqualTo(8080);
		// the running server did listen on both (random ports here): the names stand for real listeners
		assertThat(server.getEnvironment().getProperty("local.rpc.port", Integer.class)).isPositive();
		assertThat(server.getEnvironment().getProperty("local.server.port", Integer.class)).isPositive();
	}

	@Test
	void theTerminationGraceOutlastsThePreStopSleepAndTheApplicationsShutdown() {
		Map<String, Object> pod = podSpec(object("Deployment", "hello-server"));
		List<?> preStop = (List<?>) map(map(map(serverContainer(), "lifecycle"), "preStop"), "exec").get("command");
		assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
		Duration sleep = Duration.ofSeconds(Long.parseLong((String) preStop.get(1)));
		Duration grace = Duration.ofSeconds(((Number) pod.get("terminationGracePeriodSeconds")).longValue());
		Duration drain = configuredRpcServer().shutdownGracePeriod();
		Duration phase = configuredLifecycle().getTimeoutPerShutdownPhase();
		assertThat(sleep).isPositive();
		// SIGTERM comes after the sleep; then the JSON-RPC drain and its event loops' shutdown ...
		assertThat(grace).isGreaterThan(sleep.plus(drain).plus(EVENT_LOOP_SHUTDOWN).plus(GRACE_MARGIN));
		// ... and the whole stop phase, which Boot bounds by timeout-per-shutdown-phase, before SIGKILL
		assertThat(grace).isGreaterThanOrEqualTo(sleep.plus(phase).plus(GRACE_MARGIN));
		// the application's stop phase bounds the drain (README: raise it with a longer grace period)
		assertThat(phase).isGreaterThan(drain.plus(EVENT_LOOP_SHUTDOWN));
	}

	@Test
	void theServicesAndTheBudgetSelectTheDeploymentsPods() {
		Map<String, Object> deployment = object("Deployment", "hello-server");
		Map<String, Object> labels = map(map(map(map(deployment, "spec"), "template"), "metadata"), "labels");
		assertThat(labels).containsAllEntriesOf(map(map(map(deployment, "spec"), "selector"), "matchLabels"));
		assertThat(map(deployment, "spec").get("replicas")).isEqualTo(3);
		for (String service : List.of("hello-server", "hello-server-metrics")) {
			Map<String, Object> selector = map(map(object("Service", service), "spec"), "selector");
			assertThat(selector).as(service).isNotEmpty();
			assertThat(labels).as(service).containsAllEntriesOf(selector);
		}
		Map<String, Object> budget = map(object("PodDisruptionBudget", "hello-server"), "spec");
		assertThat(labels).containsAllEntriesOf(map(map(budget, "selector"), "matchLabels"));
		assertThat(budget.get("minAvailable")).isEqualTo(2);
	}

	@Test
	void theRpcServiceIsHeadlessOnTheRpcPortAndTheMetricsServiceOnTheHttpPort() {
		Map<String, Object> container = serverContainer();
		Map<String, Object> rpc = map(object("Service", "hello-server"), "spec");
		// headless: DNS answers with every ready pod, so the client balances over all of them
		assertThat(rpc.get("clusterIP")).isEqualTo("None");
		assertThat(rpc.get("publishNotReadyAddresses")).isEqualTo(false);
		Map<String, Object> rpcPort = single(rpc, "ports");
		assertThat(containerPort(container, rpcPort.get("targetPort"))).isEqualTo(configuredRpcServer().port());
		assertThat(rpcPort.get("port")).isEqualTo(configuredRpcServer().port());

		Map<String, Object> metrics = map(object("Service", "hello-server-metrics"), "spec");
		Map<String, Object> metricsPort = single(metrics, "ports");
		assertThat(containerPort(container, metricsPort.get("targetPort"))).isEqualTo(configuredServerPort());
		assertThat(map(map(object("Service", "hello-server-metrics"), "metadata"), "annotations"))
			.containsEntry("prometheus.io/path", "/actuator/prometheus")
			.containsEntry("prometheus.io/port", String.valueOf(configuredServerPort()));
	}

	@Test
	void theClientJobCallsTheHeadlessServiceOnItsPort() {
		Map<String, Object> job = object("Job", "hello-client");
		Map<String, Object> client = single(podSpec(job), "containers");
		Map<String, String> env = env(client);
		Map<String, Object> headless = object("Service", "hello-server");
		assertThat(env.get("RPC_CLIENT_HOST")).isEqualTo(name(headless));
		assertThat(map(headless, "spec").get("clusterIP")).isEqualTo("None");
		assertThat(Integer.valueOf(env.get("RPC_CLIENT_PORT"))).isEqualTo(single(map(headless, "spec"), "ports").get("port"));
		assertThat(client.get("image")).isEqualTo("hello-rpc/hello-client:latest");
		assertThat(podSpec(job).get("restartPolicy")).isEqualTo("Never");
		assertThat(map(job, "spec").get("backoffLimit")).isInstanceOfSatisfying(Integer.class,
				(limit) -> assertThat(limit).isPositive());
	}

	@Test
	void thePodsRunAsTheDockerfilesUserWithoutPrivilegesOnAReadOnlyRoot() throws IOException {
		String dockerfile = Files.readString(root.resolve("Dockerfile"));
		assertPodRunsAs(object("Deployment", "hello-server"), user(dockerfile, "hello-server"));
		assertPodRunsAs(object("Job", "hello-client"), user(dockerfile, "hello-client"));
		assertThat(serverContainer().get("image")).isEqualTo("hello-rpc/hello-server:latest");
		assertThat(serverContainer().get("imagePullPolicy")).isEqualTo("IfNotPresent");
	}

	@Test
	void theMemoryLimitHoldsTheHeapTheDirectBuffersAndTheJvmsOwnMemory() {
		Map<String, Object> resources = map(serverContainer(), "resources");
		long limit = new Quantity((String) map(resources, "limits").get("memory")).getNumber().longValueExact();
		assertThat(map(resources, "requests").get("memory")).isEqualTo(map(resources, "limits").get("memory"));
		String options = env(serverContainer()).get("JDK_JAVA_OPTIONS");
		double heapPercent = Double.parseDouble(option(options, "-XX:MaxRAMPercentage=([0-9.]+)"));
		long direct = new Quantity(option(options, "-XX:MaxDirectMemorySize=([0-9]+)m") + "Mi").getNumber()
			.longValueExact();
		assertThat((long) (limit * heapPercent / 100) + direct + NON_HEAP_HEADROOM).isLessThanOrEqualTo(limit);
	}

	private static void assertPodRunsAs(Map<String, Object> workload, int[] user) {
		Map<String, Object> pod = podSpec(workload);
		Map<String, Object> podSecurity = map(pod, "securityContext");
		assertThat(podSecurity).containsEntry("runAsNonRoot", true)
			.containsEntry("runAsUser", user[0])
			.containsEntry("runAsGroup", user[1]);
		assertThat(map(podSecurity, "seccompProfile")).containsEntry("type", "RuntimeDefault");
		assertThat(pod.get("automountServiceAccountToken")).isEqualTo(false);
		Map<String, Object> container = single(pod, "containers");
		Map<String, Object> security = map(container, "securityContext");
		assertThat(security).containsEntry("allowPrivilegeEscalation", false)
			.containsEntry("readOnlyRootFilesystem", true);
		assertThat(map(security, "capabilities").get("drop")).isEqualTo(List.of("ALL"));
		// the one writable path: the JVM's java.io.tmpdir on Linux (Tomcat's work directory, hsperfdata)
		Map<String, Object> tmp = single(container, "volumeMounts");
		assertThat(tmp).containsEntry("mountPath", "/tmp");
		assertThat(env(container).getOrDefault("JAVA_TOOL_OPTIONS", "") + env(container).getOrDefault("JDK_JAVA_OPTIONS", ""))
			.doesNotContain("java.io.tmpdir");
		Map<String, Object> volume = single(pod, "volumes");
		assertThat(volume).containsEntry("name", tmp.get("name")).containsKey("emptyDir");
	}

	/** The uid and gid of the Dockerfile stage's USER line. */
	private static int[] user(String dockerfile, String stage) {
		Matcher matcher = Pattern
			.compile("(?s)FROM \\S+ AS " + Pattern.quote(stage) + "\\n((?:(?!\\nFROM ).)*?)\\nUSER (\\d+):(\\d+)\\n")
			.matcher(dockerfile);
		assertThat(matcher.find()).as("a USER uid:gid line in the Dockerfile's " + stage + " stage").isTrue();
		return new int[] { Integer.parseInt(matcher.group(2)), Integer.parseInt(matcher.group(3)) };
	}

	private static String option(String options, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(options);
		assertThat(matcher.find()).as(regex + " in JDK_JAVA_OPTIONS " + options).isTrue();
		return matcher.group(1);
	}

	// --- the application's configuration as the container has it: application.yml and the
	// Deployment's environment, without this test's command-line overrides ---

	private static Binder configured() {
		MutablePropertySources sources = new MutablePropertySources();
		for (PropertySource<?> source : server.getEnvironment().getPropertySources()) {
			// ConfigurationPropertySources' own view of every source, the arguments included, out too
			if (!CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME.equals(source.getName())
					&& !"configurationProperties".equals(source.getName())) {
				sources.addLast(source);
			}
		}
		return new Binder(ConfigurationPropertySources.from(sources));
	}

	private static RpcServerProperties configuredRpcServer() {
		return configured().bindOrCreate("rpc.server", RpcServerProperties.class);
	}

	private static int configuredServerPort() {
		// unset, Boot's embedded web servers listen on 8080
		return configured().bind("server.port", Integer.class).orElse(8080);
	}

	private static LifecycleProperties configuredLifecycle() {
		return configured().bind("spring.lifecycle", Bindable.ofInstance(new LifecycleProperties()))
			.orElseGet(LifecycleProperties::new);
	}

	// --- the rendered objects ---

	private static Map<String, Object> object(String kind, String name) {
		return rendered.stream()
			.filter((object) -> kind.equals(object.get("kind")) && name.equals(name(object)))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in deploy/kubernetes"));
	}

	private static Map<String, Object> serverContainer() {
		return single(podSpec(object("Deployment", "hello-server")), "containers");
	}

	private static Map<String, Object> podSpec(Map<String, Object> workload) {
		return map(map(map(workload, "spec"), "template"), "spec");
	}

	private static Object name(Map<String, Object> object) {
		return map(object, "metadata").get("name");
	}

	/** The number of the container port with this name (or this number). */
	private static Object containerPort(Map<String, Object> container, Object nameOrNumber) {
		List<Map<String, Object>> ports = list(container, "ports");
		return ports.stream()
			.filter((port) -> nameOrNumber.equals(port.get("name")) || nameOrNumber.equals(port.get("containerPort")))
			.map((port) -> port.get("containerPort"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container port " + nameOrNumber + " in " + ports));
	}

	private static Map<String, String> env(Map<String, Object> container) {
		return list(container, "env").stream()
			.collect(Collectors.toMap((entry) -> (String) entry.get("name"), (entry) -> (String) entry.get("value")));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Map<String, Object> object, String key) {
		Object value = object.get(key);
		assertThat(value).as(key + " in " + object).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> list(Map<String, Object> object, String key) {
		Object value = object.get(key);
		assertThat(value).as(key + " in " + object).isInstanceOf(List.class);
		return (List<Map<String, Object>>) value;
	}

	private static Map<String, Object> single(Map<String, Object> object, String key) {
		List<Map<String, Object>> values = list(object, key);
		assertThat(values).as(key).hasSize(1);
		return values.get(0);
	}

	// --- kustomize ---

	private static Path projectRoot() {
		for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
			if (Files.isRegularFile(dir.resolve("deploy/kubernetes/kustomization.yaml"))) {
				return dir;
			}
		}
		throw new AssertionError("deploy/kubernetes/kustomization.yaml not found above " + Path.of("").toAbsolutePath());
	}

	private static Path copyOfTheBase(Path target) throws IOException {
		Path base = root.resolve("deploy/kubernetes");
		Files.createDirectories(target);
		try (Stream<Path> files = Files.list(base)) {
			for (Path file : files.filter((file) -> file.toString().endsWith(".yaml")).toList()) {
				Files.copy(file, target.resolve(file.getFileName()));
			}
		}
		return target;
	}

	private static void replace(Path file, String text, String replacement) throws IOException {
		String content = Files.readString(file);
		assertThat(content).as(file.toString()).contains(text);
		Files.writeString(file, content.replace(text, replacement));
	}

	/** {@code kubectl kustomize DIR}, parsed: the objects it renders. */
	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> kustomize(Path dir) throws Exception {
		Process process;
		try {
			process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
		}
		catch (IOException ex) {
			return fail("kubectl is needed to render deploy/kubernetes (Debian: apt-get install kubernetes-client; "
					+ ".ci/run installs it): " + ex.getMessage());
		}
		process.getOutputStream().close();
		CompletableFuture<String> out = read(process.getInputStream());
		CompletableFuture<String> err = read(process.getErrorStream());
		if (!process.waitFor(2, TimeUnit.MINUTES)) {
			process.destroyForcibly();
			fail("kubectl kustomize " + dir + " did not finish in 2 minutes");
		}
		assertThat(process.exitValue()).as("kubectl kustomize " + dir + ": " + err.get()).isZero();
		List<Map<String, Object>> objects = new ArrayList<>();
		for (Object document : new Yaml().loadAll(out.get())) {
			if (document != null) {
				objects.add((Map<String, Object>) document);
			}
		}
		return objects;
	}

	private static CompletableFuture<String> read(InputStream stream) {
		return CompletableFuture.supplyAsync(() -> {
			try (stream) {
				ByteArrayOutputStream bytes = new ByteArrayOutputStream();
				stream.transferTo(bytes);
				return bytes.toString(StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

}
