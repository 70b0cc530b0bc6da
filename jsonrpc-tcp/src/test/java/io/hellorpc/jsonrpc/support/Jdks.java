package io.hellorpc.jsonrpc.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;

/**
 * The JDKs the jars are tried on: the release they are compiled for (17) and the newest they
 * promise to run on (25). Each is looked for in {@code HELLO_RPC_TEST_JDKS} (colon-separated JDK
 * homes), {@code JAVA_HOME}, the JDK running the tests, and the usual install folders; a version
 * that is not found is skipped with the places searched, never failed.
 */
public final class Jdks {

	private static final List<Integer> VERSIONS = List.of(17, 25);

	private static final List<Path> INSTALL_FOLDERS = List.of(Path.of("/usr/lib/jvm"), Path.of("/opt/java"),
			Path.of("/usr/java"), Path.of(System.getProperty("user.home"), ".sdkman", "candidates", "java"),
			Path.of(System.getProperty("user.home"), ".jdks"), Path.of("/Library/Java/JavaVirtualMachines"));

	private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)");

	private Jdks() {
	}

	/** A JDK of one feature version, or where none was found, why. */
	public record Jdk(int version, Path launcher, String searched) {

		/** Skips the calling test (with the places searched) when this version is not installed. */
		public Path assumeInstalled() {
			Assumptions.assumeTrue(this.launcher != null,
					() -> "no JDK " + this.version + " found; searched " + this.searched);
			return this.launcher;
		}

	}

	/** One entry per promised version, named for test reports. */
	public static Stream<Named<Jdk>> versions() {
		List<Path> homes = candidateHomes();
		return VERSIONS.stream().map((version) -> {
			Optional<Path> home = homes.stream().filter((candidate) -> version(candidate) == version).findFirst();
			Jdk jdk = new Jdk(version, home.map((found) -> found.resolve("bin").resolve("java")).orElse(null),
					describe(homes));
			return Named.of("JDK " + version + home.map((found) -> " (" + found + ")").orElse(" (not installed)"), jdk);
		});
	}

	/** The default {@code java}: the one a user gets from {@code java -jar}. */
	public static Path defaultLauncher() {
		return Path.of("java");
	}

	private static List<Path> candidateHomes() {
		List<Path> homes = new ArrayList<>();
		String configured = System.getenv("HELLO_RPC_TEST_JDKS");
		if (configured != null && !configured.isBlank()) {
			Stream.of(configured.split(":")).map(Path::of).forEach(homes::add);
		}
		Optional.ofNullable(System.getenv("JAVA_HOME")).map(Path::of).ifPresent(homes::add);
		homes.add(Path.of(System.getProperty("java.home")));
		for (Path folder : INSTALL_FOLDERS) {
			try (Stream<Path> entries = Files.list(folder)) {
				entries.sorted().forEach((entry) -> {
					homes.add(entry);
					homes.add(entry.resolve("Contents").resolve("Home"));
				});
			}
			catch (IOException ex) {
				// not on this machine
			}
		}
		return homes.stream().filter((home) -> Files.isExecutable(home.resolve("bin").resolve("java"))).toList();
	}

	/** The feature version from the home's {@code release} file, or -1. */
	private static int version(Path home) {
		try {
			Matcher matcher = RELEASE_VERSION.matcher(Files.readString(home.resolve("release")));
			return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	private static String describe(List<Path> homes) {
		return "HELLO_RPC_TEST_JDKS, JAVA_HOME, java.home and " + INSTALL_FOLDERS + " (found: " + homes + ")";
	}

}
