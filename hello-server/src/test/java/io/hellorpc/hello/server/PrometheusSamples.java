package io.hellorpc.hello.server;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A Prometheus scrape read as its samples, by series ({@code name{tags}}), and what one test added to them. */
final class PrometheusSamples {

	private PrometheusSamples() {
	}

	static Map<String, Double> parse(String scrape) {
		Map<String, Double> samples = new HashMap<>();
		for (String line : scrape.split("\n")) {
			int space = line.lastIndexOf(' ');
			if (!line.startsWith("#") && space > 0) {
				samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
			}
		}
		return samples;
	}

	/** How much a series grew; a series not yet there counts as 0. */
	static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
		assertThat(after).containsKey(series);
		return after.get(series) - before.getOrDefault(series, 0.0);
	}

}
