package io.hellorpc.jsonrpc.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Go program in {@code interop/gohello} (standard library only), built once with the
 * machine's Go toolchain and run as a real process: Go's own {@code net/rpc/jsonrpc} peer.
 */
public final class GoPeer {

	private static Path binary;

	private GoPeer() {
	}

	/** Builds the program if needed and returns the binary. Fails, saying what to install, without Go. */
	public static synchronized Path binary() {
		if (binary == null) {
			Path source = repositoryRoot().resolve("interop/gohello");
			Path target = Path.of("target", "gohello").toAbsolutePath();
			ProcessResult build = run(source, List.of("go", "build", "-o", target.toString(), "."), new byte[0], 180);
			if (build.exitCode() != 0) {
				throw new IllegalStateException("go build failed: " + build.stderr());
			}
			binary = target;
		}
		return binary;
	}

	/**
	 * Builds another Go program of {@code interop/} (its own module, standard library only) into
	 * {@code target/}; for tests with a Go peer of their own.
	 */
	public static synchronized Path build(String program) {
		Path source = repositoryRoot().resolve("interop").resolve(program);
		Path target = Path.of("target", program).toAbsolutePath();
		ProcessResult build = run(source, List.of("go", "build", "-o", target.toString(), "."), new byte[0], 180);
		if (build.exitCode() != 0) {
			throw new IllegalStateException("go build of interop/" + program + " failed: " + build.stderr());
		}
		return target;
	}

	/** Runs a program {@link #build built} with the given flags to completion. */
	public static ProcessResult runProgram(Path program, long timeoutSeconds, String... flags) {
		List<String> command = new ArrayList<>();
		command.add(program.toString());
		command.addAll(List.of(flags));
		return run(Path.of("."), command, new byte[0], timeoutSeconds);
	}

	/** Runs a program {@link #build built} to completion, feeding it {@code input}. */
	public static ProcessResult runProgramWithInput(Path program, byte[] input, long timeoutSeconds) {
		return run(Path.of("."), List.of(program.toString()), input, timeoutSeconds);
	}

	/** Runs the program with the given flags to completion. */
	public static ProcessResult run(long timeoutSeconds, String... flags) {
		return runWithInput(new byte[0], timeoutSeconds, flags);
	}

	/** Runs the program with the given flags to completion, feeding it {@code input}. */
	public static ProcessResult runWithInput(byte[] input, long timeoutSeconds, String... flags) {
		List<String> command = new ArrayList<>();
		command.add(binary().toString());
		command.addAll(List.of(flags));
		return run(Path.of("."), command, input, timeoutSeconds);
	}

	/** Starts a server mode ({@code server} or {@code floor}) on a free loopback port; returns it once it listens. */
	public static PeerServer startServer(String mode, String... flags) {
		try {
			List<String> command = new ArrayList<>(List.of(binary().toString(), "-mode=" + mode, "-addr=127.0.0.1:0"));
			command.addAll(List.of(flags));
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			String line = out.readLine();
			if (line == null || !line.startsWith("listening on ")) {
				process.destroyForcibly();
				throw new IllegalStateException("Go " + mode + " did not start: " + line);
			}
			int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
			return new PeerServer(process, port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public static Path repositoryRoot() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.exists(dir.resolve("interop/gohello/go.mod"))) {
			dir = dir.getParent();
		}
		if (dir == null) {
			throw new IllegalStateException("interop/gohello not found above " + Path.of("").toAbsolutePath());
		}
		return dir;
	}

	private static ProcessResult run(Path dir, List<String> command, byte[] input, long timeoutSeconds) {
		try {
			ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
			// Standard library only: nothing is ever downloaded.
			builder.environment().put("GOPROXY", "off");
			builder.environment().put("GOFLAGS", "-mod=mod");
			builder.environment().putIfAbsent("GOCACHE", Path.of("target", "go-cache").toAbsolutePath().toString());
			Process process;
			try {
				process = builder.start();
			}
			catch (IOException ex) {
				throw new IllegalStateException("Cannot run " + command.get(0)
						+ ": the interop tests need Go (Debian: apt-get install golang-go)", ex);
			}
			return ProcessResult.of(process, input, timeoutSeconds);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
