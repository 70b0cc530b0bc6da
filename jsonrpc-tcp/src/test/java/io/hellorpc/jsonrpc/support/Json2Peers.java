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
import java.util.function.Consumer;

/**
 * Independent JSON-RPC 2.0 peers for the interop tests: npm's {@code jayson} (Node, in
 * {@code interop/node}, installed from package-lock.json on first use) and Debian's
 * {@code python3-aiorpcx} (in {@code interop/python}). {@code .ci/run} installs Node's and Python's
 * packages; a missing one fails the test with the command that installs it.
 */
public final class Json2Peers {

	private Json2Peers() {
	}

	/** Runs {@code interop/node/jayson-peer.js} with the arguments to completion. */
	public static ProcessResult jayson(String... args) {
		return run(nodeCommand(args), 120);
	}

	/** Starts jayson's TCP server on a free loopback port; returns it once it listens. */
	public static PeerServer jaysonServer() {
		// Its later output is read and dropped, so that a full pipe can never stop the server.
		return jaysonServer((line) -> {
		});
	}

	/**
	 * As {@link #jaysonServer()}, handing each later line the server prints (its methods print
	 * what they were called with) to {@code output}, from a thread of its own.
	 */
	public static PeerServer jaysonServer(Consumer<String> output) {
		try {
			Process process = new ProcessBuilder(nodeCommand("server")).redirectErrorStream(true).start();
			BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
			String line = out.readLine();
			if (line == null || !line.startsWith("listening on ")) {
				process.destroyForcibly();
				throw new IllegalStateException("jayson's server did not start: " + line);
			}
			Thread reader = new Thread(() -> {
				try {
					for (String next = out.readLine(); next != null; next = out.readLine()) {
						output.accept(next);
					}
				}
				catch (IOException ex) {
					// the process is gone
				}
			}, "jayson-server-output");
			reader.setDaemon(true);
			reader.start();
			return new PeerServer(process, Integer.parseInt(line.substring(line.lastIndexOf(':') + 1)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Runs {@code interop/node/jayson-mapped.js PORT} (jayson's client calling {@code @RpcMapping} methods) to completion. */
	public static ProcessResult jaysonMapped(int port) {
		List<String> command = new ArrayList<>(nodeCommand(String.valueOf(port)));
		command.set(1, GoPeer.repositoryRoot().resolve("interop/node/jayson-mapped.js").toString());
		return run(command, 120);
	}

	/**
	 * Runs {@code interop/node/openrpc-check.js PORT} to completion: npm's
	 * {@code @open-rpc/schema-utils-js} validates and dereferences what {@code rpc.discover}
	 * answers, then judges each call of {@code callsJson} ({@code [{"method":…,"params":…}, …]})
	 * with its {@code MethodCallValidator} and makes it.
	 */
	public static ProcessResult openRpcCheck(int port, String callsJson) {
		List<String> command = new ArrayList<>(nodeCommand(String.valueOf(port)));
		command.set(1, GoPeer.repositoryRoot().resolve("interop/node/openrpc-check.js").toString());
		return run(command, callsJson.getBytes(StandardCharsets.UTF_8), 120);
	}

	/** Runs {@code interop/python/aiorpcx_client.py PORT} to completion. */
	public static ProcessResult aiorpcx(int port) {
		Path script = GoPeer.repositoryRoot().resolve("interop/python/aiorpcx_client.py");
		// Debian's python3, where python3-aiorpcx installs (a pyenv python3 earlier on PATH has no such package).
		String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
		return run(List.of(python, script.toString(), String.valueOf(port)), 120);
	}

	private static List<String> nodeCommand(String... args) {
		Path dir = GoPeer.repositoryRoot().resolve("interop/node");
		if (!Files.isDirectory(dir.resolve("node_modules/jayson"))
				|| !Files.isDirectory(dir.resolve("node_modules/@open-rpc/schema-utils-js"))) {
			ProcessResult install = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--prefix", dir.toString()), 300);
			if (install.exitCode() != 0) {
				throw new IllegalStateException("npm ci in interop/node failed: " + install.stderr());
			}
		}
		List<String> command = new ArrayList<>(List.of("node", dir.resolve("jayson-peer.js").toString()));
		command.addAll(List.of(args));
		return command;
	}

	private static ProcessResult run(List<String> command, long timeoutSeconds) {
		return run(command, new byte[0], timeoutSeconds);
	}

	private static ProcessResult run(List<String> command, byte[] input, long timeoutSeconds) {
		Process process;
		try {
			process = new ProcessBuilder(command).start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot run " + command.get(0) + ": the JSON-RPC 2.0 interop tests need Node "
					+ "(apt-get install nodejs npm) and Debian's python3-aiorpcx (apt-get install python3-aiorpcx)", ex);
		}
		try {
			return ProcessResult.of(process, input, timeoutSeconds);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
