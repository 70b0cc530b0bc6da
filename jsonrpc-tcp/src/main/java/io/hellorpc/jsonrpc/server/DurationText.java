package io.hellorpc.jsonrpc.server;

import java.time.Duration;

/** A duration as one writes it in a property ({@code 2s}, {@code 500ms}, {@code 1m30s}). */
final class DurationText {

	private DurationText() {
	}

	static String of(Duration duration) {
		if (duration.toMillis() % 1000 != 0 || duration.isZero()) {
			return duration.toMillis() + "ms";
		}
		long seconds = duration.toSeconds();
		if (seconds % 60 != 0 || seconds < 60) {
			return (seconds >= 60) ? (seconds / 60) + "m" + (seconds % 60) + "s" : seconds + "s";
		}
		return (seconds / 60) + "m";
	}

}
