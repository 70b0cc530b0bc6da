package io.hellorpc.hello.client;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;

/** The PromQL of a Grafana dashboard's panels, and the metric names each query reads. */
final class DashboardQueries {

	/** What Grafana puts for $__rate_interval with the data source's 5 s scrape interval: at least 4 of it. */
	static final String RATE_INTERVAL = "1m";

	private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

	private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*\\}|\\[[^\\]]*\\]");

	private static final Pattern LABEL_LISTS = Pattern
		.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
			"ignoring", "group_left", "group_right", "inf", "nan");

	private DashboardQueries() {
	}

	/** Every target's {@code expr} of every panel, rows' nested panels included, in order. */
	static List<String> of(JsonNode dashboard) {
		List<String> queries = new ArrayList<>();
		collect(dashboard.path("panels"), queries);
		return queries;
	}

	private static void collect(JsonNode panels, List<String> queries) {
		for (JsonNode panel : panels) {
			for (JsonNode target : panel.path("targets")) {
				queries.add(target.path("expr").asString());
			}
			collect(panel.path("panels"), queries);
		}
	}

	/** The query as Grafana sends it to Prometheus: its built-in interval variable replaced. */
	static String asGrafanaSendsIt(String query) {
		return query.replace("$__rate_interval", RATE_INTERVAL);
	}

	/** The metric names a query selects: identifiers that are neither functions, keywords nor labels. */
	static Set<String> metricNames(String query) {
		String bare = LABEL_LISTS.matcher(MATCHERS.matcher(STRING.matcher(query).replaceAll("\"\"")).replaceAll(""))
			.replaceAll("");
		Set<String> names = new LinkedHashSet<>();
		Matcher identifier = IDENTIFIER.matcher(bare);
		while (identifier.find()) {
			String name = identifier.group(1);
			if (identifier.group(2) == null && !KEYWORDS.contains(name.toLowerCase())) {
				names.add(name);
			}
		}
		return names;
	}

}
