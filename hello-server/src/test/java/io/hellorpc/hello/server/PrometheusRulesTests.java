package io.hellorpc.hello.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The alert and recording rules of {@code ops/prometheus}, run by {@code promtool test rules} on
 * input series that make each alert fire and leave it silent. Skipped, with the reason, where
 * promtool is not installed ({@code .ci/run} installs it, so CI always runs it).
 */
class PrometheusRulesTests {

	private static final Path RULES = GoPeer.repositoryRoot().resolve("ops/prometheus");

	@Test
	void promtoolPassesEveryRuleTestCase() throws IOException {
		assumeTrue(promtoolInstalled(),
				"promtool is not on the PATH (Debian: apt-get install prometheus; .ci/run installs it)");
		ProcessResult result = ProcessResult.of(new ProcessBuilder("promtool", "test", "rules", "hello-rpc.rules.test.yml")
			.directory(RULES.toFile())
			.start(), 120);
		assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
		assertThat(result.stdout()).contains("SUCCESS");
	}

	@Test
	void everyAlertHasACaseWhereItFiresAndOneWhereItStaysSilent() throws IOException {
		Set<String> alerts = alertNames();
		assertThat(alerts).isNotEmpty();
		List<Map<String, Object>> cases = alertCases();
		assertThat(cases.stream().filter(this::fires).map(this::alertName).collect(Collectors.toSet()))
			.as("alerts with a case where they fire")
			.containsAll(alerts);
		assertThat(cases.stream().filter((c) -> !fires(c)).map(this::alertName).collect(Collectors.toSet()))
			.as("alerts with a case where they stay silent")
			.containsAll(alerts);
	}

	@Test
	void everyAlertTellsTheOnCallPersonWhatHappenedAndHowBadItIs() throws IOException {
		for (Map<String, Object> rule : rules()) {
			if (rule.containsKey("alert")) {
				assertThat(rule).as(rule.get("alert").toString())
					.extractingByKey("annotations")
					.asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsKeys("summary", "description");
				assertThat(rule).as(rule.get("alert").toString())
					.extractingByKey("labels")
					.asInstanceOf(InstanceOfAssertFactories.MAP)
					.containsKey("severity");
			}
		}
	}

	@Test
	void recordingRulesAreNamedLevelMetricOperations() throws IOException {
		assertThat(rules().stream().filter((rule) -> rule.containsKey("record")).map((rule) -> (String) rule.get("record")))
			.isNotEmpty()
			.allMatch((name) -> name.matches("[a-z_]+:[a-z_]+:[a-z0-9_]+"), "level:metric:operations");
	}

	private boolean fires(Map<String, Object> alertCase) {
		Object expected = alertCase.get("exp_alerts");
		return expected instanceof List<?> list && !list.isEmpty();
	}

	private String alertName(Map<String, Object> alertCase) {
		return (String) alertCase.get("alertname");
	}

	private static Set<String> alertNames() throws IOException {
		return rules().stream()
			.filter((rule) -> rule.containsKey("alert"))
			.map((rule) -> (String) rule.get("alert"))
			.collect(Collectors.toCollection(TreeSet::new));
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> rules() throws IOException {
		Map<String, Object> file = new Yaml().load(Files.readString(RULES.resolve("hello-rpc.rules.yml")));
		return ((List<Map<String, Object>>) file.get("groups")).stream()
			.flatMap((group) -> ((List<Map<String, Object>>) group.get("rules")).stream())
			.toList();
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> alertCases() throws IOException {
		Map<String, Object> file = new Yaml().load(Files.readString(RULES.resolve("hello-rpc.rules.test.yml")));
		return ((List<Map<String, Object>>) file.get("tests")).stream()
			.flatMap((test) -> ((List<Map<String, Object>>) test.getOrDefault("alert_rule_test", List.of())).stream())
			.toList();
	}

	private static boolean promtoolInstalled() {
		try {
			Process process = new ProcessBuilder("promtool", "--version").redirectErrorStream(true).start();
			return ProcessResult.of(process, 30).exitCode() == 0;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
