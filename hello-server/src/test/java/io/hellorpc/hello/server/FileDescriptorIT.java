package io.hellorpc.hello.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.hellorpc.jsonrpc.support.Jdks;
import io.hellorpc.jsonrpc.support.ServerProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server jar run out of file descriptors: it says so once, in words an operator can act on,
 * pauses accepting instead of spinning on the failed accept, and resumes by itself once
 * descriptors are free again.
 */
class FileDescriptorIT {

	private static final Path JAR = Path.of("target", "hello-server.jar");

	/** The idle server holds about 25 descriptors: this leaves room for about a hundred connections. */
	private static final int DESCRIPTOR_LIMIT = 128;

	/** How long the server is kept out of descriptors, new connections knocking all the while (an exposure, not a wait). */
	private static final Duration EXHAUSTED_FOR = Duration.ofSeconds(4);

	private static final String HELLO = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":0}\n";

	private static final String HELLO_REPLY = "{\"id\":0,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}";

	private static final String TAIL_OF_THE_PIPELINE = "reached at the tail of the pipeline";

	@Test
	void outOfDescriptorsTheServerWarnsOnceWithTheUlimitPausesAcceptingAndResumesByItself() throws Exception {
		// bash sets the limit (soft and hard, so the JVM cannot raise it) and execs java: same pid.
		List<String> jvm = List.of("-c", "ulimit -n " + DESCRIPTOR_LIMIT + " && exec \"$@\"", "bash",
				Jdks.defaultLauncher().toString(), "-XX:ActiveProcessorCount=2");
		try (ServerProcess server = ServerProcess.start(Path.of("bash"), jvm, JAR, "--rpc.server.host=127.0.0.1",
				"--rpc.server.port=0", "--server.address=127.0.0.1", "--server.port=0")) {
			int port = server.awaitRpcPort();
			List<Peer> answered = new ArrayList<>();
			List<Peer> waiting = new ArrayList<>();
			try {
				// Connections, each with a call, until one is not answered and the server has logged why
				// (its accept failed): bounded by twice the limit and by time.
				long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
				for (int i = 0; i < 2 * DESCRIPTOR_LIMIT && waiting.isEmpty() && System.nanoTime() < deadline; i++) {
					Peer peer = new Peer(port).send(HELLO);
					String reply = peer.awaitLine(() -> acceptFailed(server.output()), Duration.ofSeconds(60));
					if (reply != null) {
						assertThat(reply).isEqualTo(HELLO_REPLY);
						answered.add(peer);
					}
					else {
						waiting.add(peer);
					}
				}
				assertThat(waiting).as("a connection the server could not accept, after %d answered; output:%n%s",
						answered.size(), server.output()).isNotEmpty();
				// Exhaustion goes on for a few seconds, with a new connection knocking every 100 ms or so.
				long exhaustedUntil = System.nanoTime() + EXHAUSTED_FOR.toNanos();
				for (int i = 0; i < 100 && System.nanoTime() < exhaustedUntil; i++) {
					waiting.add(new Peer(port).send(HELLO));
					Thread.sleep(100);
				}
				String during = server.output();
				int answeredBeforeExhaustion = answered.size();
				answered.forEach(Peer::close);
				waiting.forEach(Peer::close);
				answered.clear();
				waiting.clear();

				// Descriptors are free again: a new connection is accepted and answered without any help.
				String after;
				try (Peer fresh = new Peer(port).send(HELLO)) {
					assertThat(fresh.awaitLine(() -> false, Duration.ofSeconds(60)))
						.as("a new connection's reply once descriptors are free; output:%n%s", server.output())
						.isEqualTo(HELLO_REPLY);
					after = server.output();
				}
				List<String> warnings = during.lines()
					.filter((line) -> line.contains("ulimit -n") && line.contains("accepting is paused"))
					.toList();
				System.out.printf("descriptor limit %d: %d connections answered before exhaustion; %s of exhaustion; "
						+ "warnings: %s; \"%s\" logged %d times%n", DESCRIPTOR_LIMIT, answeredBeforeExhaustion, EXHAUSTED_FOR,
						warnings, TAIL_OF_THE_PIPELINE, after.split(TAIL_OF_THE_PIPELINE, -1).length - 1);
				assertThat(after.lines().filter((line) -> line.contains(TAIL_OF_THE_PIPELINE)).count())
					.as("lines of the server's output with Netty's \"%s\"", TAIL_OF_THE_PIPELINE).isZero();
				assertThat(warnings).as("WARN lines naming ulimit -n and the paused accepting, over %s of exhaustion",
						EXHAUSTED_FOR).hasSize(1);
				assertThat(warnings.get(0)).contains(" WARN ");
				assertThat(after.lines().filter((line) -> line.contains("ulimit -n") && line.contains("accepting is paused")))
					.as("the warning, once the server has recovered").hasSize(1);
				assertThat(after.split("JSON-RPC server listening on", -1)).as("listener starts (no restart)").hasSize(2);
			}
			finally {
				answered.forEach(Peer::close);
				waiting.forEach(Peer::close);
			}
		}
	}

	/** Whether the server has logged that an accept failed, in the contract's words or Netty's. */
	private static boolean acceptFailed(String output) {
		return output.contains("accepting is paused") || output.contains("Too many open files")
				|| output.contains(TAIL_OF_THE_PIPELINE);
	}

	/** A raw connection that waits for its reply line or for another event, whichever comes first. */
	private static final class Peer implements AutoCloseable {

		private final Socket socket = new Socket();

		private final StringBuilder line = new StringBuilder();

		Peer(int port) throws IOException {
			this.socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			this.socket.setTcpNoDelay(true);
			this.socket.setSoTimeout(100);
		}

		Peer send(String text) throws IOException {
			this.socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
			return this;
		}

		/** The next line, or {@code null} once {@code instead} holds (checked between reads) or at the bound. */
		String awaitLine(BooleanSupplier instead, Duration bound) throws IOException {
			InputStream in = this.socket.getInputStream();
			long deadline = System.nanoTime() + bound.toNanos();
			while (System.nanoTime() < deadline) {
				try {
					int b = in.read();
					if (b == -1) {
						return null;
					}
					if (b == '\n') {
						return this.line.toString();
					}
					this.line.append((char) b);
				}
				catch (SocketTimeoutException ex) {
					if (this.line.isEmpty() && instead.getAsBoolean()) {
						return null;
					}
				}
			}
			return null;
		}

		@Override
		public void close() {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closed already
			}
		}

	}

}
