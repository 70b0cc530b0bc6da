package io.hellorpc.hello.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.hellorpc.jsonrpc.support.Jdks;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.ServerProcess;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The siege: many connections each send most of a message (under the 1 MB limit) and never finish
 * it, holding the server's memory. The server stays up and serves the connections that hold
 * nothing, reports not ready while under memory pressure, and is itself again once the attackers
 * leave. Scaled down by default (40 x 1,000,000 bytes against an 8 MB budget at {@code -Xmx64m});
 * {@code -Dsiege.full=true} runs the full sizes: 300 x 1,000,000 bytes at {@code -Xmx64m}, then
 * 3,000 x 1,000,000 bytes at the default heap, both with the default budget. Each siege prints its figures.
 */
class MemoryBudgetIT {

	private static final boolean FULL = Boolean.getBoolean("siege.full");

	private static final Path JAR = Path.of("target", "hello-server.jar");

	private static final String TAGS = "{rpc_system=\"jsonrpc\"}";

	private static final String HELLO = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"%s\"}],\"id\":%d}\n";

	private static final String HELLO_REPLY = "{\"id\":%d,\"result\":{\"Message\":\"Hello %s\"},\"error\":null}";

	private static final String SHED_REPLY = "{\"id\":null,\"result\":null,\"error\":\"jsonrpc: connection shed: the server is over rpc.server.memory.budget";

	/** The contract's default rpc.server.memory.pressure-threshold. */
	private static final double PRESSURE_THRESHOLD = 0.8;

	/** The top-level status: the last member of the health JSON (members are sorted by name). */
	private static final Pattern STATUS = Pattern.compile("\"status\":\"(\\w+)\"}\\s*$");

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	/**
	 * One siege: how many attackers, how much of a message each sends, the JVM's options and the
	 * budget (empty: the default, half of the JVM's max direct memory).
	 */
	record Siege(int attackers, int bytes, List<String> jvmOptions, Optional<String> budget) {

		@Override
		public String toString() {
			return this.attackers + " x " + this.bytes + " bytes at " + (this.jvmOptions.isEmpty() ? "the default heap" : this.jvmOptions)
					+ ", budget " + this.budget.orElse("default");
		}

	}

	static Stream<Siege> sieges() {
		List<String> smallHeap = List.of("-Xmx64m", "-XX:ActiveProcessorCount=2");
		if (!FULL) {
			return Stream.of(new Siege(40, 1_000_000, smallHeap, Optional.of("8MB")));
		}
		return Stream.of(new Siege(300, 1_000_000, smallHeap, Optional.empty()),
				new Siege(3000, 1_000_000, List.of(), Optional.empty()));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("sieges")
	void underASiegeOfUnfinishedMessagesTheServerServesIdleConnectionsIsNotReadyAndRecoversByItself(Siege siege)
			throws Exception {
		Duration bound = FULL ? Duration.ofMinutes(10) : Duration.ofMinutes(2);
		List<String> args = new ArrayList<>(List.of("--rpc.server.host=127.0.0.1", "--rpc.server.port=0",
				"--server.address=127.0.0.1", "--server.port=0",
				// The attackers hold still for as long as the siege takes: what ends them is the budget, not
				// the idle timer.
				"--rpc.server.idle-timeout=30m"));
		siege.budget().ifPresent((budget) -> args.add("--rpc.server.memory.budget=" + budget));
		try (ServerProcess server = ServerProcess.start(Jdks.defaultLauncher(), siege.jvmOptions(), JAR,
				args.toArray(String[]::new))) {
			int port = server.awaitRpcPort();
			int actuator = actuatorPort(server);
			Map<String, Double> atStart = scrape(actuator);
			assertThat(atStart.keySet().stream().filter((series) -> series.startsWith("rpc_server_memory_")))
				.as("the scrape's rpc_server_memory_* series").contains("rpc_server_memory_budget_bytes" + TAGS);
			long budget = atStart.get("rpc_server_memory_budget_bytes" + TAGS).longValue();
			if (siege.budget().isPresent()) {
				assertThat(budget).as("rpc_server_memory_budget_bytes with rpc.server.memory.budget=%s", siege.budget().get())
					.isEqualTo(DataSize.parse(siege.budget().get()).toBytes());
			}
			// Ready once the application is (ApplicationReadyEvent comes after Tomcat's start line).
			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(readiness(actuator).status())
				.as("readiness before the siege").isEqualTo("UP"));
			long pressureAt = (long) Math.ceil(PRESSURE_THRESHOLD * budget);

			// The good client: connected before the siege, holding nothing.
			try (RawConnection good = new RawConnection(port)) {
				int id = 0;
				assertThat(call(good, "before", ++id)).isTrue();
				Attackers attackers = Attackers.start(port, siege.attackers(), siege.bytes());
				try {
					// The siege holds: the server buffers past the pressure threshold.
					await().atMost(bound).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(buffered(actuator))
						.as("rpc_server_memory_buffered_bytes against %s x the budget of %d; attackers: %s", PRESSURE_THRESHOLD,
								budget, attackers)
						.isGreaterThanOrEqualTo(pressureAt));
					// Not ready while under pressure, and the rpc component says why.
					await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(readiness(actuator).status())
						.as("readiness while under memory pressure").isEqualTo("OUT_OF_SERVICE"));
					Health notReady = readiness(actuator);
					assertThat(notReady.code()).isEqualTo(503);
					assertThat(notReady.body()).contains("\"memoryPressure\"", "\"bufferedBytes\"",
							"\"memoryBudgetBytes\":" + budget);
					// The good client is served meanwhile: ten calls, each answered right.
					int answeredDuringSiege = 0;
					for (int i = 0; i < 10; i++) {
						assertThat(call(good, "siege" + i, ++id)).as("call %d of the good client during the siege", i).isTrue();
						answeredDuringSiege++;
					}
					// ... and the siege was still on after them.
					await().atMost(bound).pollInterval(Duration.ofMillis(200))
						.untilAsserted(() -> assertThat(buffered(actuator)).isGreaterThanOrEqualTo(pressureAt));
					Map<String, Double> during = scrape(actuator);
					double shed = during.getOrDefault("rpc_server_connections_shed_total" + TAGS, 0.0);
					double paused = during.getOrDefault("rpc_server_connections_reading_paused_total" + TAGS, 0.0);
					System.out.printf("siege of %s: buffered %.0f of a budget of %d; readiness %s; %d good calls answered "
							+ "during it; %.0f connections shed, reading paused %.0f times; attackers: %s%n", siege,
							during.get("rpc_server_memory_buffered_bytes" + TAGS), budget, notReady.status(),
							answeredDuringSiege, shed, paused, attackers);
					assertThat(shed + paused).as("rpc_server_connections_shed_total + rpc_server_connections_reading_paused_total")
						.isPositive();
					assertThat(attackers.repliesOtherThanShed()).as("replies to the attackers other than the shed error line")
						.isEmpty();
				}
				finally {
					attackers.close();
				}

				// The attackers are gone: ready again, nothing buffered, only the good connection open.
				await().atMost(bound).untilAsserted(() -> assertThat(readiness(actuator).status())
					.as("readiness after the siege").isEqualTo("UP"));
				await().atMost(bound).untilAsserted(() -> {
					Map<String, Double> after = scrape(actuator);
					assertThat(after.get("rpc_server_memory_buffered_bytes" + TAGS)).isZero();
					assertThat(after.get("rpc_server_connections" + TAGS)).as("connections open").isEqualTo(1.0);
				});
				assertThat(call(good, "after", ++id)).isTrue();
				try (RawConnection fresh = new RawConnection(port)) {
					assertThat(call(fresh, "fresh", 1)).as("a new connection after the siege").isTrue();
				}
				assertThat(ProcessHandle.of(server.pid()).map(ProcessHandle::isAlive)).contains(true);
				assertThat(server.output().split("JSON-RPC server listening on", -1)).as("listener starts (no restart)")
					.hasSize(2);
				assertThat(server.output().lines().filter((line) -> line.contains("OutOfMemoryError")
						|| line.contains("OutOfDirectMemoryError") || line.contains("reached at the tail of the pipeline")))
					.as("lines of the server's output about memory running out").isEmpty();
			}
		}
	}

	/** One call on a connection holding nothing else: whether it was answered, right. */
	private static boolean call(RawConnection connection, String name, int id) {
		String reply = connection.send(String.format(HELLO, name, id)).readLine();
		assertThat(reply).isEqualTo(String.format(HELLO_REPLY, id, name));
		return true;
	}

	private static long buffered(int actuator) throws Exception {
		Map<String, Double> samples = scrape(actuator);
		assertThat(samples.get("rpc_server_memory_buffered_bytes" + TAGS)).as("rpc_server_memory_buffered_bytes in the scrape")
			.isNotNull();
		return samples.get("rpc_server_memory_buffered_bytes" + TAGS).longValue();
	}

	private static Map<String, Double> scrape(int actuator) throws Exception {
		return PrometheusSamples.parse(get(actuator, "/actuator/prometheus").body());
	}

	record Health(int code, String status, String body) {
	}

	private static Health readiness(int actuator) throws Exception {
		HttpResponse<String> response = get(actuator, "/actuator/health/readiness");
		Matcher matcher = STATUS.matcher(response.body());
		assertThat(matcher.find()).as(response.body()).isTrue();
		return new Health(response.statusCode(), matcher.group(1), response.body());
	}

	private static HttpResponse<String> get(int port, String path) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static int actuatorPort(ServerProcess server) {
		Pattern started = Pattern.compile("Tomcat started on port (\\d+)");
		await().atMost(Duration.ofSeconds(60)).until(() -> started.matcher(server.output()).find());
		Matcher matcher = started.matcher(server.output());
		assertThat(matcher.find()).isTrue();
		return Integer.parseInt(matcher.group(1));
	}

	/**
	 * The attackers: each on its own thread connects, writes its unfinished message in 64 KB pieces
	 * (a write blocks while the server does not read), then holds the connection and reads what the
	 * server sends, until the server closes it or the test does.
	 */
	private static final class Attackers implements AutoCloseable {

		private final List<Socket> sockets = new ArrayList<>();

		private final List<Thread> threads = new ArrayList<>();

		private final AtomicLong connected = new AtomicLong();

		private final AtomicLong sentWhole = new AtomicLong();

		private final AtomicLong closedByServer = new AtomicLong();

		private final AtomicLong connectFailed = new AtomicLong();

		private final Map<String, Boolean> otherReplies = new ConcurrentHashMap<>();

		static Attackers start(int port, int count, int bytes) {
			byte[] prefix = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"".getBytes(StandardCharsets.UTF_8);
			byte[] message = new byte[bytes];
			Arrays.fill(message, (byte) 'x');
			System.arraycopy(prefix, 0, message, 0, prefix.length);
			Attackers attackers = new Attackers();
			for (int i = 0; i < count; i++) {
				Socket socket = new Socket();
				attackers.sockets.add(socket);
				Thread thread = new Thread(null, () -> attackers.attack(socket, port, message), "attacker-" + i, 256 * 1024);
				thread.setDaemon(true);
				attackers.threads.add(thread);
				thread.start();
			}
			return attackers;
		}

		private void attack(Socket socket, int port, byte[] message) {
			try {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 60_000);
				this.connected.incrementAndGet();
			}
			catch (IOException ex) {
				this.connectFailed.incrementAndGet();
				return;
			}
			try {
				OutputStream out = socket.getOutputStream();
				for (int offset = 0; offset < message.length; offset += 65536) {
					out.write(message, offset, Math.min(65536, message.length - offset));
				}
				out.flush();
				this.sentWhole.incrementAndGet();
				InputStream in = socket.getInputStream();
				StringBuilder line = new StringBuilder();
				for (int b; (b = in.read()) != -1 && line.length() < 1000;) {
					if (b == '\n') {
						String reply = line.toString();
						if (!reply.startsWith(SHED_REPLY)) {
							this.otherReplies.put(reply, true);
						}
						line.setLength(0);
					}
					else {
						line.append((char) b);
					}
				}
				this.closedByServer.incrementAndGet();
			}
			catch (IOException ex) {
				// reset by the server (shed) or closed by the test
				if (!socket.isClosed()) {
					this.closedByServer.incrementAndGet();
				}
			}
		}

		List<String> repliesOtherThanShed() {
			return List.copyOf(this.otherReplies.keySet());
		}

		@Override
		public String toString() {
			return this.connected + " connected, " + this.connectFailed + " failed to connect, " + this.sentWhole
					+ " sent their whole part, " + this.closedByServer + " closed by the server";
		}

		@Override
		public void close() throws InterruptedException {
			for (Socket socket : this.sockets) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// closed already
				}
			}
			for (Thread thread : this.threads) {
				thread.join(30_000);
			}
		}

	}

}
