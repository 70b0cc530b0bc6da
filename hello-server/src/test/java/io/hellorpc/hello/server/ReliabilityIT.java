package io.hellorpc.hello.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.support.Jdks;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.ServerProcess;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The server jar under hostile and heavy traffic: soak, stop under load, floods. Scaled down by
 * default (a few seconds each, for CI); {@code -Dreliability.full=true} runs the full sizes
 * (5-minute soak, 10 s of load before the stop). Each test prints its figures.
 */
class ReliabilityIT {

	private static final boolean FULL = Boolean.getBoolean("reliability.full");

	private static final Path JAR = Path.of("target", "hello-server.jar");

	private static final String HELLO = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":0}\n";

	private static final String HELLO_REPLY = "{\"id\":0,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}";

	private static ServerProcess start(String... properties) {
		List<String> args = new ArrayList<>(List.of("--rpc.server.host=127.0.0.1", "--rpc.server.port=0",
				"--server.address=127.0.0.1", "--server.port=0"));
		args.addAll(List.of(properties));
		return ServerProcess.start(Jdks.defaultLauncher(), JAR, args.toArray(String[]::new));
	}

	@Test
	void soakKeepsEveryGoodReplyRightAndMemoryAndDescriptorsBounded() throws Exception {
		Duration duration = FULL ? Duration.ofMinutes(5) : Duration.ofSeconds(6);
		try (ServerProcess server = start()) {
			int port = server.awaitRpcPort();
			long descriptorsBefore = descriptorsAfterOneOfEach(server, port);
			AtomicBoolean running = new AtomicBoolean(true);
			AtomicLong good = new AtomicLong();
			AtomicLong wrong = new AtomicLong();
			AtomicLong rejected = new AtomicLong();
			ExecutorService load = Executors.newCachedThreadPool();
			List<Future<?>> workers = new ArrayList<>();
			for (int c = 0; c < 32; c++) {
				int connection = c;
				workers.add(load.submit(() -> goodCalls(port, connection, running, good, wrong)));
			}
			workers.add(load.submit(() -> badInput(port, running, rejected, "{\"method\": }")));
			workers.add(load.submit(() -> badInput(port, running, rejected,
					"{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + "x".repeat(1_100_000) + "\"}],\"id\":1}")));
			List<RawConnection> idle = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				idle.add(new RawConnection(port).send((i % 2 == 0) ? "" : "{\"method\":\"Handler.Exe"));
			}

			// How long the soak runs (a load duration, not a wait for an outcome): what it asserts is
			// counted (calls right, wrong, rejected; heap and descriptors), never timed.
			Thread.sleep(Math.min(duration.toMillis() / 3, 20_000));
			long heapAfterWarmUp = heapAfterFullGc(server.pid());
			long descriptorsDuring = openDescriptors(server.pid());
			Thread.sleep(duration.toMillis() - Math.min(duration.toMillis() / 3, 20_000));
			running.set(false);
			for (Future<?> worker : workers) {
				worker.get();
			}
			load.shutdown();
			idle.forEach(RawConnection::close);
			long heapAtEnd = heapAfterFullGc(server.pid());
			// The JVM may open a jar or two lazily for classes first needed under load.
			await().atMost(Duration.ofSeconds(10)).until(() -> openDescriptors(server.pid()) <= descriptorsBefore + 2);
			long descriptorsAtEnd = openDescriptors(server.pid());

			System.out.printf("soak %s: %d good calls, %d wrong or lost, %d bad messages rejected; heap after full GC "
					+ "%d KB after warm-up, %d KB at the end (%+.1f%%); descriptors %d before, %d during, %d after%n",
					duration, good.get(), wrong.get(), rejected.get(), heapAfterWarmUp, heapAtEnd,
					100.0 * (heapAtEnd - heapAfterWarmUp) / heapAfterWarmUp, descriptorsBefore, descriptorsDuring,
					descriptorsAtEnd);
			assertThat(wrong.get()).isZero();
			assertThat(good.get()).isPositive();
			assertThat(rejected.get()).isPositive();
			// Within 10 %, with 2 MB of slack for the short CI run's smaller heaps.
			assertThat(heapAtEnd).isLessThanOrEqualTo((long) (heapAfterWarmUp * 1.10) + (FULL ? 0 : 2048));
		}
	}

	@Test
	void sigtermUnderLoadAnswersEveryCallSentBeforeItAndExitsZeroWithinTheGracePeriod() throws Exception {
		Duration loadTime = FULL ? Duration.ofSeconds(10) : Duration.ofSeconds(1);
		try (ServerProcess server = start()) {
			int port = server.awaitRpcPort();
			List<PipelinedConnection> connections = new ArrayList<>();
			for (int i = 0; i < 32; i++) {
				connections.add(new PipelinedConnection(port, 4));
			}
			// How long load runs before the SIGTERM; every call sent before it must be answered, however
			// many that is on this machine.
			Thread.sleep(loadTime.toMillis());
			long sigterm = System.nanoTime();
			int exitCode = server.terminate(Duration.ofSeconds(20));
			long stopped = System.nanoTime();
			long sentBefore = 0;
			long answered = 0;
			for (PipelinedConnection connection : connections) {
				connection.awaitEnd();
				assertThat(connection.truncated()).as("a reply cut short").isFalse();
				assertThat(connection.wrong()).as("a reply that does not match its call").isZero();
				assertThat(connection.unansweredSentBefore(sigterm)).as("calls sent before SIGTERM left unanswered").isEmpty();
				sentBefore += connection.sentBefore(sigterm);
				answered += connection.answered();
			}
			System.out.printf("stop under 32 x 4 load after %s: %d calls sent before SIGTERM, all answered; %d answered in all; "
					+ "exit %d after %d ms%n", loadTime, sentBefore, answered, exitCode, (stopped - sigterm) / 1_000_000);
			assertThat(exitCode).isZero();
			assertThat(Duration.ofNanos(stopped - sigterm)).isLessThan(Duration.ofSeconds(10));
		}
	}

	@Test
	void twoThousandConcurrentConnectionsAllGetTheirReplies() throws Exception {
		try (ServerProcess server = start()) {
			int port = server.awaitRpcPort();
			List<RawConnection> connections = new ArrayList<>();
			try {
				for (int i = 0; i < 2000; i++) {
					connections.add(new RawConnection(port));
				}
				connections.forEach((connection) -> connection.send(HELLO));
				long right = connections.stream().filter((connection) -> HELLO_REPLY.equals(connection.readLine())).count();
				System.out.printf("flood: %d of 2000 concurrent connections answered%n", right);
				assertThat(right).isEqualTo(2000);
			}
			finally {
				connections.forEach(RawConnection::close);
			}
		}
	}

	@Test
	void connectionsPastTheMaximumAreRefusedCleanlyAndCounted() throws Exception {
		try (ServerProcess server = start("--rpc.server.max-connections=100")) {
			int port = server.awaitRpcPort();
			List<RawConnection> admitted = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				admitted.add(new RawConnection(port).send(HELLO));
			}
			admitted.forEach((connection) -> assertThat(connection.readLine()).isEqualTo(HELLO_REPLY));
			int refused = 0;
			for (int i = 0; i < 50; i++) {
				try (RawConnection extra = new RawConnection(port)) {
					if ("{\"id\":null,\"result\":null,\"error\":\"jsonrpc: too many connections: the limit is 100 (rpc.server.max-connections)\"}"
						.equals(extra.readLine()) && extra.isClosedByServer()) {
						refused++;
					}
				}
			}
			admitted.forEach((connection) -> assertThat(connection.send(HELLO).readLine()).isEqualTo(HELLO_REPLY));
			admitted.forEach(RawConnection::close);
			String metrics = get(actuatorPort(server), "/actuator/prometheus");
			System.out.printf("max-connections 100: 100 served, %d of 50 extra refused with the limit's error%n", refused);
			assertThat(refused).isEqualTo(50);
			assertThat(metrics).contains("rpc_server_connections_rejected_total{rpc_system=\"jsonrpc\"} 50.0");
		}
	}

	@Test
	void aThousandSlowLorisConnectionsAreClosedAtTheIdleTimeoutWhileCallsGoOn() throws Exception {
		try (ServerProcess server = start("--rpc.server.idle-timeout=1s")) {
			int port = server.awaitRpcPort();
			List<RawConnection> loris = new ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				loris.add(new RawConnection(port).send("{\"method\":\"Handler.Execute\",\"params\":[{\"Na"));
			}
			long started = System.nanoTime();
			long calls = 0;
			try (RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", port).build()) {
				// Calls go on for this long beside the slow-loris connections (load, not a deadline).
				while (System.nanoTime() - started < Duration.ofMillis(2500).toNanos()) {
					assertThat(rpc.call("Handler.Execute", new Handler.Request("busy"), Handler.Response.class).message())
						.isEqualTo("Hello busy");
					calls++;
				}
			}
			long closed = loris.stream().filter(RawConnection::isClosedByServer).count();
			loris.forEach(RawConnection::close);
			System.out.printf("slow loris: %d of 1000 closed at the 1 s idle timeout; %d calls answered meanwhile%n", closed,
					calls);
			assertThat(closed).isEqualTo(1000);
		}
	}

	/** 32 connections' worth of a loop: good calls with their own names, one in ten with an empty name. */
	private static Void goodCalls(int port, int connection, AtomicBoolean running, AtomicLong good, AtomicLong wrong) {
		try (RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", port).build()) {
			for (long n = 0; running.get(); n++) {
				String name = (n % 10 == 9) ? "" : "c" + connection + "-" + n;
				try {
					String message = rpc.call("Handler.Execute", new Handler.Request(name), Handler.Response.class).message();
					(message.equals("Hello " + name) ? good : wrong).incrementAndGet();
				}
				catch (RpcRemoteException ex) {
					(name.isEmpty() && ex.getMessage().equals("A name must be specified") ? good : wrong).incrementAndGet();
				}
				catch (RuntimeException ex) {
					wrong.incrementAndGet();
				}
			}
		}
		return null;
	}

	/** A connection per bad message: each must get the error line (id null) and be closed. */
	private static Void badInput(int port, AtomicBoolean running, AtomicLong rejected, String message) {
		while (running.get()) {
			if (rejectedAndClosed(port, message)) {
				rejected.incrementAndGet();
			}
		}
		return null;
	}

	private static boolean rejectedAndClosed(int port, String message) {
		try (RawConnection connection = new RawConnection(port)) {
			connection.send(message);
			String reply = connection.readLine();
			return reply != null && reply.startsWith("{\"id\":null,\"result\":null,\"error\":\"jsonrpc: ")
					&& connection.isClosedByServer();
		}
		catch (RuntimeException ex) {
			// a reset while we still wrote the oversize message is a clean close too
			return true;
		}
	}

	/** Open descriptors once every kind of soak traffic has been seen once and its connection closed. */
	private static long descriptorsAfterOneOfEach(ServerProcess server, int port) throws Exception {
		try (RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", port).build()) {
			rpc.call("Handler.Execute", new Handler.Request("warm"), Handler.Response.class);
		}
		assertThat(rejectedAndClosed(port, "{\"method\": }")).isTrue();
		// Settled when two counts 200 ms apart agree (the JVM opens some jars lazily), polled until then.
		await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(200)).until(() -> {
			long before = openDescriptors(server.pid());
			Thread.sleep(200);
			return openDescriptors(server.pid()) == before;
		});
		return openDescriptors(server.pid());
	}

	private static long heapAfterFullGc(long pid) throws IOException {
		run("jcmd", String.valueOf(pid), "GC.run");
		String info = run("jcmd", String.valueOf(pid), "GC.heap_info");
		Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
		assertThat(used.find()).as(info).isTrue();
		return Long.parseLong(used.group(1));
	}

	private static long openDescriptors(long pid) throws IOException {
		try (var files = Files.list(Path.of("/proc", String.valueOf(pid), "fd"))) {
			return files.count();
		}
	}

	private static String run(String... command) throws IOException {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", command[0]);
		command[0] = Files.isExecutable(jcmd) ? jcmd.toString() : command[0];
		ProcessResult result = ProcessResult.of(new ProcessBuilder(command).start(), 60);
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		return result.stdout();
	}

	private static int actuatorPort(ServerProcess server) {
		Matcher matcher = Pattern.compile("Tomcat started on port (\\d+)").matcher(server.output());
		assertThat(matcher.find()).as(server.output()).isTrue();
		return Integer.parseInt(matcher.group(1));
	}

	private static String get(int port, String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.ofString())
			.body();
	}

	/**
	 * Keeps {@code depth} calls in flight on one connection, with ids 1, 2, 3...; remembers when
	 * each was written and which were answered, and whether the stream ended inside a reply.
	 */
	private static final class PipelinedConnection {

		private static final Pattern REPLY = Pattern
			.compile("^\\{\"id\":(\\d+),\"result\":\\{\"Message\":\"Hello n(\\d+)\"},\"error\":null}$");

		private final Socket socket;

		private final Semaphore slots;

		private final ConcurrentHashMap<Long, Long> sentAt = new ConcurrentHashMap<>();

		private final ConcurrentHashMap<Long, Boolean> answered = new ConcurrentHashMap<>();

		private final CountDownLatch ended = new CountDownLatch(2);

		private volatile boolean truncated;

		private volatile long wrong;

		PipelinedConnection(int port, int depth) throws IOException {
			this.socket = new Socket("127.0.0.1", port);
			this.socket.setTcpNoDelay(true);
			this.slots = new Semaphore(depth);
			start(this::write);
			start(this::read);
		}

		private static void start(Runnable work) {
			Thread thread = new Thread(work, "pipelined");
			thread.setDaemon(true);
			thread.start();
		}

		private void write() {
			try {
				OutputStream out = this.socket.getOutputStream();
				for (long id = 1;; id++) {
					this.slots.acquire();
					byte[] call = ("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"n" + id + "\"}],\"id\":" + id + "}\n")
						.getBytes(StandardCharsets.UTF_8);
					out.write(call);
					out.flush();
					this.sentAt.put(id, System.nanoTime());
				}
			}
			catch (IOException | InterruptedException ex) {
				// the server closed the connection
			}
			finally {
				this.ended.countDown();
			}
		}

		private void read() {
			try (InputStream in = this.socket.getInputStream()) {
				byte[] buffer = new byte[8192];
				StringBuilder line = new StringBuilder();
				int n;
				while ((n = in.read(buffer)) > 0) {
					for (int i = 0; i < n; i++) {
						if (buffer[i] == '\n') {
							check(line.toString());
							line.setLength(0);
							this.slots.release();
						}
						else {
							line.append((char) buffer[i]);
						}
					}
				}
				this.truncated = line.length() > 0;
			}
			catch (IOException ex) {
				// reset: what was read before is checked
			}
			finally {
				this.ended.countDown();
				this.slots.release(1000);
			}
		}

		private void check(String reply) {
			Matcher matcher = REPLY.matcher(reply);
			if (matcher.matches() && matcher.group(1).equals(matcher.group(2))) {
				this.answered.put(Long.parseLong(matcher.group(1)), true);
			}
			else {
				this.wrong++;
			}
		}

		void awaitEnd() throws InterruptedException {
			assertThat(this.ended.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closed already
			}
		}

		boolean truncated() {
			return this.truncated;
		}

		long wrong() {
			return this.wrong;
		}

		long answered() {
			return this.answered.size();
		}

		long sentBefore(long nanos) {
			return this.sentAt.values().stream().filter((at) -> at < nanos).count();
		}

		List<Long> unansweredSentBefore(long nanos) {
			return this.sentAt.entrySet()
				.stream()
				.filter((entry) -> entry.getValue() < nanos && !this.answered.containsKey(entry.getKey()))
				.map(java.util.Map.Entry::getKey)
				.toList();
		}

	}

}
