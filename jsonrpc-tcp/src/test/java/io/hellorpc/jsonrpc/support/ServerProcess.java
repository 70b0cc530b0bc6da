package io.hellorpc.jsonrpc.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * A Boot jar of ours started as a real process; its output is collected, and the RPC port is read
 * from the listener's start-up line, so it can listen on port 0.
 */
public final class ServerProcess implements AutoCloseable {

	private static final Pattern LISTENING = Pattern.compile("JSON-RPC server listening on \\S*:(\\d+)");

	private final Process process;

	private final StringBuffer output = new StringBuffer();

	private final Thread pump;

	private ServerProcess(Process process) {
		this.process = process;
		this.pump = new Thread(this::pump, "server-output");
		this.pump.setDaemon(true);
		this.pump.start();
	}

	public static ServerProcess start(Path java, Path jar, String... args) {
		return start(java, List.of(), jar, args);
	}

	/** As {@link #start(Path, Path, String...)}, with options for the JVM itself ({@code -Xmx64m}). */
	public static ServerProcess start(Path java, List<String> jvmOptions, Path jar, String... args) {
		List<String> command = new ArrayList<>(List.of(java.toString()));
		command.addAll(jvmOptions);
		command.addAll(List.of("-jar", jar.toString()));
		command.addAll(List.of(args));
		try {
			return new ServerProcess(new ProcessBuilder(command).redirectErrorStream(true).start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Waits for the listener's start-up line and returns its port. */
	public int awaitRpcPort() {
		await().atMost(Duration.ofSeconds(60)).until(() -> LISTENING.matcher(this.output).find() || !this.process.isAlive());
		Matcher matcher = LISTENING.matcher(this.output);
		if (!matcher.find()) {
			throw new IllegalStateException("Server did not start:\n" + this.output);
		}
		return Integer.parseInt(matcher.group(1));
	}

	public String output() {
		return this.output.toString();
	}

	public long pid() {
		return this.process.pid();
	}

	/** Sends SIGTERM and waits for the exit code. */
	public int terminate(Duration timeout) {
		// Through the handle: Process.destroy() would also close our end of its output.
		this.process.toHandle().destroy();
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly();
				throw new IllegalStateException("Server did not stop within " + timeout + ":\n" + this.output);
			}
			this.pump.join(5_000);
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Sends SIGKILL (as {@code kill -9}): no shutdown hook runs, the kernel closes its sockets. */
	public void kill() {
		// Through the handle, as in terminate: the output is still read to its end.
		this.process.toHandle().destroyForcibly();
	}

	/** Waits for the process to exit; whether it did within the timeout. */
	public boolean awaitExit(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
		}
	}

	private void pump() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				this.output.append(line).append('\n');
			}
		}
		catch (IOException ex) {
			// the process is gone
		}
	}

}
