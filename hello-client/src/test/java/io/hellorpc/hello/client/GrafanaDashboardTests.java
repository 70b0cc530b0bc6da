package io.hellorpc.hello.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ops/grafana: the dashboard is importable (a data source variable, no fixed data source) and its
 * queries parse as PromQL; the provisioning files point Grafana at the compose Prometheus and at
 * the dashboard file. That each query returns data from a live Prometheus:
 * HelloContainersIT.ScaledToThreeReplicas.
 */
class GrafanaDashboardTests {

	private static final Path ROOT = GoPeer.repositoryRoot();

	private static final Path DASHBOARD = ROOT.resolve("ops/grafana/hello-rpc.json");

	private final JsonNode dashboard = JsonMapper.builder().build().readTree(read(DASHBOARD));

	@Test
	void everyPanelQueriesPrometheusThroughTheDataSourceVariable() {
		assertThat(this.dashboard.path("uid").asString()).isEqualTo("hello-rpc");
		assertThat(this.dashboard.path("templating").path("list").get(0).path("type").asString()).isEqualTo("datasource");
		List<JsonNode> panels = new ArrayList<>();
		this.dashboard.path("panels").forEach(panels::add);
		assertThat(panels.stream().filter((panel) -> !"row".equals(panel.path("type").asString())))
			.hasSizeGreaterThanOrEqualTo(10)
			.allSatisfy((panel) -> {
				assertThat(panel.path("datasource").path("uid").asString()).as(panel.path("title").asString()).isEqualTo("${datasource}");
				assertThat(panel.path("targets")).as(panel.path("title").asString()).isNotEmpty();
			});
	}

	@Test
	void theDashboardShowsWhatTheIssueAsksFor() {
		String queries = String.join("\n", DashboardQueries.of(this.dashboard));
		assertThat(queries).contains("rpc_server_requests_seconds_count", "outcome=\"ERROR\"", "histogram_quantile(0.50",
				"histogram_quantile(0.99", "rpc_server_calls_active", "rpc_server_connections)",
				"rpc_server_connections_rejected_total", "rpc_server_connections_idle_closed_total",
				"rpc_server_connections_shed_total", "rpc_server_tls_handshakes_total", "jvm_memory_used_bytes{area=\"heap\"}",
				"jvm_buffer_memory_used_bytes{id=\"direct\"}");
	}

	@Test
	void everyQueryParsesAsPromQl(@TempDir Path dir) throws IOException {
		assumeTrue(promtoolInstalled(), "promtool is not on the PATH (Debian: apt-get install prometheus; .ci/run installs it)");
		StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
		List<String> queries = DashboardQueries.of(this.dashboard);
		for (int i = 0; i < queries.size(); i++) {
			rules.append("      - record: dashboard:query_").append(i).append(":test\n        expr: '")
				.append(DashboardQueries.asGrafanaSendsIt(queries.get(i)).replace("'", "''")).append("'\n");
		}
		Path file = Files.writeString(dir.resolve("dashboard.rules.yml"), rules);
		ProcessResult result = ProcessResult.of(new ProcessBuilder("promtool", "check", "rules", file.toString()).start(), 60);
		assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
		assertThat(result.stdout()).contains(queries.size() + " rules found");
	}

	@Test
	void metricNamesAreTheSelectorsNotTheFunctionsLabelsOrKeywords() {
		assertThat(DashboardQueries.metricNames(
				"histogram_quantile(0.99, sum by (rpc_method, le) (rate(rpc_server_requests_seconds_bucket{outcome=\"ERROR\"}[$__rate_interval])))"))
			.containsExactly("rpc_server_requests_seconds_bucket");
		assertThat(DashboardQueries.metricNames("sum(a_total) / on (instance) group_left (job) b_bytes or vector(0)"))
			.containsExactly("a_total", "b_bytes");
	}

	@Test
	@SuppressWarnings("unchecked")
	void provisioningPointsGrafanaAtTheComposePrometheusAndTheDashboardFile() throws IOException {
		Map<String, Object> compose = new Yaml().load(read(ROOT.resolve("ops/grafana/compose.yaml")));
		Map<String, Object> grafana = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("grafana");
		assertThat((List<String>) grafana.get("profiles")).containsExactly("dashboards");
		List<String> volumes = (List<String>) grafana.get("volumes");
		assertThat(volumes).contains("./ops/grafana/provisioning:/etc/grafana/provisioning:ro",
				"./ops/grafana/hello-rpc.json:/var/lib/grafana/dashboards/hello-rpc.json:ro");
		// paths are relative to the project root (the first -f file's folder): each one exists there
		volumes.forEach((volume) -> assertThat(ROOT.resolve(volume.split(":")[0])).exists());
		Map<String, Object> datasources = new Yaml().load(read(ROOT.resolve("ops/grafana/provisioning/datasources/prometheus.yaml")));
		Map<String, Object> prometheus = ((List<Map<String, Object>>) datasources.get("datasources")).get(0);
		assertThat(prometheus).containsEntry("type", "prometheus").containsEntry("url", "http://prometheus:9090");
		Map<String, Object> rootCompose = new Yaml().load(read(ROOT.resolve("docker-compose.yml")));
		assertThat((Map<String, Object>) rootCompose.get("services")).containsKey("prometheus").doesNotContainKey("grafana");
		Map<String, Object> providers = new Yaml().load(read(ROOT.resolve("ops/grafana/provisioning/dashboards/hello-rpc.yaml")));
		assertThat(((List<Map<String, Object>>) providers.get("providers")).get(0).get("options"))
			.isEqualTo(Map.of("path", "/var/lib/grafana/dashboards"));
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean promtoolInstalled() {
		try {
			return ProcessResult.of(new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start(), 30)
				.exitCode() == 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
