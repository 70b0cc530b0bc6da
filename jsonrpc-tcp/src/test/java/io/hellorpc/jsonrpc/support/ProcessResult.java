package io.hellorpc.jsonrpc.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** What a finished process printed and how it exited. */
public record ProcessResult(int exitCode, String stdout, String stderr) {

	/**
	 * A thread per stream: on a small machine the common pool may have one thread, and a writer
	 * blocked on a full pipe would starve the reader that would empty it.
	 */
	private static final Executor STREAMS = Executors.newCachedThreadPool((task) -> {
		Thread thread = new Thread(task, "process-streams");
		thread.setDaemon(true);
		return thread;
	});

	/** Waits for the process (killing it past the timeout) and collects both streams. */
	public static ProcessResult of(Process process, long timeoutSeconds) throws IOException {
		return of(process, new byte[0], timeoutSeconds);
	}

	/** As {@link #of(Process, long)}, feeding the process {@code input} on its standard input first. */
	public static ProcessResult of(Process process, byte[] input, long timeoutSeconds) throws IOException {
		CompletableFuture.runAsync(() -> {
			try (var stdin = process.getOutputStream()) {
				stdin.write(input);
			}
			catch (IOException ex) {
				// the process ended without reading it all: its exit code and output say why
			}
		}, STREAMS);
		CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()), STREAMS);
		CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()), STREAMS);
		try {
			if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("Process " + process.info().command().orElse("?") + " ran past "
						+ timeoutSeconds + " s");
			}
			return new ProcessResult(process.exitValue(), out.join(), err.join());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new IllegalStateException(ex);
		}
	}

	private static String read(InputStream in) {
		try (in) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
