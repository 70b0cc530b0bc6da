package io.hellorpc.jsonrpc.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code rpc.server.max-connection-age}: at its age (give or take 10 %) a connection refuses the
 * calls it reads, unrun, answers the ones running, then half-closes (a FIN behind its last reply,
 * never an RST), at the latest when the grace is over. Every step is an event the test waits for:
 * the server's aged-connections count, a call held at a gate the test opens, the client socket's
 * TCP state.
 */
class RpcServerConnectionAgeTests {

	private static final String REFUSAL = "rpc: call not started: this connection reached rpc.server.max-connection-age; "
			+ "call again on a new connection";

	/** A short age, and a grace no step of the test comes near: only the quiet end closes these. */
	private static final String[] AGE_LONG_GRACE = { "rpc.server.max-connection-age=300ms",
			"rpc.server.max-connection-age-grace=1m" };

	@Test
	void aCallRunningAtTheAgeIsAnsweredAndACallSentAfterItIsRefusedUnrunWithGoErrorText() {
		try (RunningServer server = RunningServer.start(Meters.class, AGE_LONG_GRACE)) {
			TestServices.Gates gates = server.bean(TestServices.Gates.class);
			RpcServerActivity activity = server.bean(RpcServerActivity.class);
			try (RawConnection connection = server.connect()) {
				long opened = System.nanoTime();
				connection.send("{\"method\":\"Gate.Hold\",\"params\":[\"running-go\"],\"id\":1}");
				await().until(() -> gates.started("running-go"));
				await().until(() -> activity.connectionsAged() == 1);
				// Never earlier than the age less its jitter (a lower bound: a slow machine only makes it later).
				assertThat(System.nanoTime() - opened).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(270));
				connection.send("{\"method\":\"Gate.Hold\",\"params\":[\"refused-go\"],\"id\":2}");
				assertThat(connection.readLine()).isEqualTo("{\"id\":2,\"result\":null,\"error\":\"" + REFUSAL + "\"}");
				gates.open("running-go");
				assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":\"running-go\",\"error\":null}");
				// Quiet and nothing unanswered: the server half-closes, and the client reads the end of the stream.
				assertThat(connection.readLine()).isNull();
			}
			finally {
				gates.open("running-go");
			}
			assertThat(gates.started("refused-go")).as("the refused call's method ran").isFalse();
			assertThat(server.bean(MeterRegistry.class).get("rpc.server.connections.aged").functionCounter().count())
				.isEqualTo(1.0);
		}
	}

	@Test
	void aCallAndEveryBatchEntrySentAfterTheAgeAreRefusedUnrunWithCodeMinus32001() {
		try (RunningServer server = RunningServer.start(AGE_LONG_GRACE)) {
			TestServices.Gates gates = server.bean(TestServices.Gates.class);
			RpcServerActivity activity = server.bean(RpcServerActivity.class);
			try (RawConnection connection = server.connect()) {
				connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Gate.Hold\",\"params\":[\"running-2\"],\"id\":1}");
				await().until(() -> gates.started("running-2"));
				await().until(() -> activity.connectionsAged() == 1);
				connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Gate.Hold\",\"params\":[\"refused-2\"],\"id\":2}");
				String refusal = "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32001,\"message\":\"" + REFUSAL + "\"},\"id\":";
				assertThat(connection.readLine()).isEqualTo(refusal + "2}");
				// A batch: each call refused, the notification not run (and, as ever, not answered).
				connection.send("[{\"jsonrpc\":\"2.0\",\"method\":\"Gate.Hold\",\"params\":[\"batch-a\"],\"id\":3},"
						+ "{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Note\",\"params\":[\"batch-note\"]},"
						+ "{\"jsonrpc\":\"2.0\",\"method\":\"Gate.Hold\",\"params\":[\"batch-b\"],\"id\":4}]");
				assertThat(connection.readLine()).isEqualTo("[" + refusal + "3}," + refusal + "4}]");
				gates.open("running-2");
				assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"result\":\"running-2\",\"id\":1}");
				assertThat(connection.readLine()).isNull();
			}
			finally {
				gates.open("running-2");
			}
			assertThat(List.of("refused-2", "batch-a", "batch-b")).noneMatch(gates::started);
			assertThat(server.bean(TestServices.Handler.class).notes()).doesNotContain("batch-note");
		}
	}

	/**
	 * The server's FIN arrives while its replies are still unread in the client's buffer, and the
	 * client sends one more call across it: the server reads and drops that call (never runs it),
	 * and the client then reads every reply, then the end of the stream, never "Connection reset".
	 */
	@Test
	void afterTheAgeTheServerHalfClosesAndACallCrossingItsFinIsDroppedWithoutAReset() throws IOException {
		assumeThat(Path.of("/proc/net/tcp")).as("Linux's TCP table, to see the FIN arrive").exists();
		try (RunningServer server = RunningServer.start(AGE_LONG_GRACE)) {
			TestServices.Gates gates = server.bean(TestServices.Gates.class);
			RpcServerActivity activity = server.bean(RpcServerActivity.class);
			try (RawConnection connection = server.connect()) {
				connection.send("{\"method\":\"Gate.Hold\",\"params\":[\"running-fin\"],\"id\":1}");
				await().until(() -> gates.started("running-fin"));
				await().until(() -> activity.connectionsAged() == 1);
				connection.send("{\"method\":\"Gate.Hold\",\"params\":[\"refused-fin\"],\"id\":2}");
				gates.open("running-fin");
				// Nothing read by the client yet: the FIN has arrived once its socket is in CLOSE_WAIT.
				await().pollInterval(Duration.ofMillis(5)).until(() -> "08".equals(tcpState(connection.localPort(), server.port())));
				connection.send("{\"method\":\"Gate.Hold\",\"params\":[\"after-fin\"],\"id\":3}");
				List<String> replies = List.of(connection.readLine(), connection.readLine());
				assertThat(replies).containsExactlyInAnyOrder("{\"id\":1,\"result\":\"running-fin\",\"error\":null}",
						"{\"id\":2,\"result\":null,\"error\":\"" + REFUSAL + "\"}");
				// The end of the stream: readLine would throw on a reset.
				assertThat(connection.readLine()).isNull();
			}
			finally {
				gates.open("running-fin");
			}
			assertThat(List.of("refused-fin", "after-fin")).noneMatch(gates::started);
			await().until(() -> activity.openConnections() == 0);
		}
	}

	/**
	 * A call held at its gate keeps the connection from ever being quiet, and the peer keeps
	 * sending: each call gets a refusal, until the grace is over and the server half-closes anyway
	 * (the held call's answer has nowhere to go).
	 */
	@Test
	void aPeerThatKeepsSendingAfterTheAgeIsRefusedUntilTheGraceEndsAndTheConnectionCloses() {
		try (RunningServer server = RunningServer.start("rpc.server.max-connection-age=300ms",
				"rpc.server.max-connection-age-grace=1s")) {
			TestServices.Gates gates = server.bean(TestServices.Gates.class);
			RpcServerActivity activity = server.bean(RpcServerActivity.class);
			try (RawConnection connection = server.connect()) {
				long opened = System.nanoTime();
				connection.send("{\"method\":\"Gate.Hold\",\"params\":[\"held-grace\"],\"id\":0}");
				await().until(() -> gates.started("held-grace"));
				await().until(() -> activity.connectionsAged() == 1);
				int refused = 0;
				String line = null;
				// Bounded in count and time; the grace ends it long before either bound.
				for (int id = 1; id <= 100_000 && System.nanoTime() - opened < TimeUnit.SECONDS.toNanos(60); id++) {
					connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"x\"}],\"id\":" + id + "}");
					line = connection.readLine();
					if (line == null) {
						break;
					}
					assertThat(line).isEqualTo("{\"id\":" + id + ",\"result\":null,\"error\":\"" + REFUSAL + "\"}");
					refused++;
				}
				long closedAfter = System.nanoTime() - opened;
				assertThat(line).as("end of stream").isNull();
				assertThat(refused).isPositive();
				// Closed with its call still held: only the end of the grace did it, no earlier than age less jitter plus grace.
				assertThat(gates.started("held-grace")).isTrue();
				assertThat(closedAfter).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(270 + 1000));
				System.out.printf(Locale.ROOT, "max-connection-age 300ms, grace 1s: %d calls refused; end of stream %d ms after connecting%n",
						refused, TimeUnit.NANOSECONDS.toMillis(closedAfter));
			}
			finally {
				gates.open("held-grace");
			}
			await().until(() -> activity.openConnections() == 0);
		}
	}

	/**
	 * Go's own client (interop/goaged) holds a call across the age and calls in a loop on the same
	 * connection (its gate opened by GoGate.Open, on new connections): it sees replies, then server
 * errors with the refusal text (a Go client keeps
	 * its connection on a server error, as with any), its held call answered, and at the end of
	 * the grace the connection shut down: what a Go client sees when a Go server closes.
	 */
	@Test
	void aGoClientCallingInALoopSeesRefusalsThenItsConnectionShutDown() throws Exception {
		Path program = GoPeer.build("goaged");
		try (RunningServer server = RunningServer.start(GoGate.class, "rpc.server.max-connection-age=300ms",
				"rpc.server.max-connection-age-grace=3s")) {
			ProcessResult result = GoPeer.runProgram(program, 120, "-addr=127.0.0.1:" + server.port(), "-key=go-held");
			System.out.println("Go client across max-connection-age 300ms, grace 3s:\n" + result.stdout());
			assertThat(result.stderr()).isEmpty();
			assertThat(result.exitCode()).isZero();
			String refusedLine = "server error: " + REFUSAL + " x\\d+\n";
			assertThat(result.stdout()).matches("held: go-held\n" + "ok x\\d+\n" + refusedLine
					+ "open: ok on a new connection x1\n" + "(" + refusedLine + ")?"
					+ "(error: unexpected EOF x1\n)?" + "error: connection is shut down x1\n");
		}
	}

	@Test
	void withoutAMaxConnectionAgeAConnectionOutlivesWhatAnAgeWouldAllow() {
		try (RunningServer server = RunningServer.start()) {
			RpcServerProperties properties = server.bean(RpcServerProperties.class);
			assertThat(properties.maxConnectionAge()).isNull();
			assertThat(properties.maxConnectionAgeGrace()).isEqualTo(Duration.ofSeconds(10));
			try (RawConnection connection = server.connect()) {
				// A call that takes a second and a half: five times the age the other tests set.
				connection.send("{\"method\":\"Slow.Sleep\",\"params\":[{\"millis\":1500,\"label\":\"slept\"}],\"id\":1}");
				assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":\"slept\",\"error\":null}");
				connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"still\"}],\"id\":2}");
				assertThat(connection.readLine()).isEqualTo("{\"id\":2,\"result\":{\"Message\":\"Hello still\"},\"error\":null}");
			}
			assertThat(server.bean(RpcServerActivity.class).connectionsAged()).isZero();
		}
	}

	/**
	 * The state (hex, as Linux's TCP tables have it; 08 is CLOSE_WAIT) of the loopback socket from
	 * this local port to this remote one (Java's sockets are IPv6 ones, in tcp6, where it can).
	 */
	private static String tcpState(int localPort, int remotePort) throws IOException {
		String local = String.format(Locale.ROOT, ":%04X", localPort);
		String remote = String.format(Locale.ROOT, ":%04X", remotePort);
		for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			Path path = Path.of(table);
			if (!Files.exists(path)) {
				continue;
			}
			for (String row : Files.readAllLines(path)) {
				String[] fields = row.trim().split("\\s+");
				if (fields.length > 3 && fields[1].endsWith(local) && fields[2].endsWith(remote)) {
					return fields[3];
				}
			}
		}
		return null;
	}

	/** Go's client calls only methods with a result: this one opens a gate and says which. */
	@RpcEndpoint(name = "GoGate")
	static class GoGate {

		private final TestServices.Gates gates;

		GoGate(TestServices.Gates gates) {
			this.gates = gates;
		}

		public String open(String key) {
			this.gates.open(key);
			return key;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Meters {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
