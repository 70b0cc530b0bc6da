package io.hellorpc.jsonrpc.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code java} launchers the jars are tried on: the one running the tests, and the machine's
 * JDK 17 and JDK 25 where they are installed (set {@code HELLO_RPC_TEST_JDKS} to a
 * colon-separated list of JDK homes to choose others).
 */
public final class Jdks {

	private static final List<String> KNOWN_HOMES = List.of("/usr/lib/jvm/java-17-openjdk-amd64",
			"/usr/lib/jvm/temurin-25-jdk-amd64");

	private Jdks() {
	}

	public static Stream<Path> launchers() {
		Map<Path, Path> byRealPath = new LinkedHashMap<>();
		Stream.concat(Stream.of(System.getProperty("java.home")), homes().stream())
			.map((home) -> Path.of(home, "bin", "java"))
			.filter(Files::isExecutable)
			.forEach((java) -> byRealPath.putIfAbsent(realPath(java), java));
		return byRealPath.values().stream();
	}

	/** The default {@code java}: the one a user gets from {@code java -jar}. */
	public static Path defaultLauncher() {
		return Path.of("java");
	}

	private static List<String> homes() {
		String configured = System.getenv("HELLO_RPC_TEST_JDKS");
		return (configured != null && !configured.isBlank()) ? List.of(configured.split(":")) : KNOWN_HOMES;
	}

	private static Path realPath(Path path) {
		try {
			return path.toRealPath();
		}
		catch (IOException ex) {
			return path.toAbsolutePath();
		}
	}

}
