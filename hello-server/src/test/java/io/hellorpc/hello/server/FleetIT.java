package io.hellorpc.hello.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hellorpc.jsonrpc.client.RpcBalancer;
import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.support.Jdks;
import io.hellorpc.jsonrpc.support.ServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One client, three real server jars (issue 22): on 127.0.0.2, 127.0.0.3 and 127.0.0.4 with one
 * RPC port, as a name with three addresses gives them. A replica is killed and restarted under
 * load; as root, inside a network namespace, one is partitioned silently by nftables (no FIN, no
 * RST) and healed. Who served how much is read from each replica's own scrape.
 */
class FleetIT {

	private static final Path JAR = Path.of("target", "hello-server.jar");

	private static final List<String> HOSTS = List.of("127.0.0.2", "127.0.0.3", "127.0.0.4");

	private static final int CALLERS = 64;

	private static final Pattern TOMCAT_STARTED = Pattern.compile("Tomcat started on port (\\d+)");

	/** What {@link #cleanUp()} ends whatever a test did: processes, then namespaces. */
	private static final List<ServerProcess> SERVERS = new CopyOnWriteArrayList<>();

	private static final List<Process> PROBES = new CopyOnWriteArrayList<>();

	private static final List<String> NAMESPACES = new CopyOnWriteArrayList<>();

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@AfterAll
	static void cleanUp() {
		SERVERS.forEach(ServerProcess::close);
		PROBES.forEach(Process::destroyForcibly);
		for (Process probe : PROBES) {
			try {
				probe.waitFor(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		for (ServerProcess server : SERVERS) {
			server.awaitExit(Duration.ofSeconds(30));
		}
		NAMESPACES.forEach((namespace) -> run("ip", "netns", "del", namespace));
	}

	// ---- A: kill and restart, in the test JVM's own network

	@Test
	void sixtyFourCallersThroughOneTemplateSpreadOverThreeReplicasInThirdsByRoundRobinAndAtLeastATenthEachByLeastPending()
			throws Exception {
		try (Fleet fleet = Fleet.start(null)) {
			// Round robin takes each connected replica in turn, whatever its speed: the split is exact.
			try (RpcTemplate rpc = fleet.template(List.of(), RpcBalancer.ROUND_ROBIN)) {
				try (Load warmUp = new Load(rpc)) {
					Map<String, Long> start = fleet.counts();
					await().atMost(Duration.ofMinutes(3))
						.until(() -> minus(fleet.counts(), start).values().stream().allMatch((count) -> count > 100));
				}
				// Between two scrapes with no call in flight: every call the template made in between, all answered.
				Map<String, Long> before = fleet.counts();
				Load load = new Load(rpc);
				try (load) {
					await().atMost(Duration.ofMinutes(3)).until(() -> load.ok.get() >= 20_000 || load.ended());
				}
				Map<String, Long> served = minus(fleet.counts(), before);
				long total = served.values().stream().mapToLong(Long::longValue).sum();
				System.out.printf("fleet: %d callers, one round-robin template, three replicas: served %s (%d in all)%n",
						CALLERS, served, total);
				assertThat(load.failures).isEmpty();
				assertThat(total).isEqualTo(load.ok.get()).isGreaterThanOrEqualTo(20_000);
				long least = served.values().stream().mapToLong(Long::longValue).min().orElseThrow();
				long most = served.values().stream().mapToLong(Long::longValue).max().orElseThrow();
				assertThat(most - least).as("round robin's spread over %s", served).isLessThanOrEqualTo(1);
			}
			// Least-pending follows each replica's speed by design (a replica the machine runs slower gets fewer
			// calls): every one still serves a real share, over a window long enough that a pause of one (a GC, a
			// descheduled JVM) does not decide it. The round-robin calls above warmed every replica's JIT.
			try (RpcTemplate rpc = fleet.template(List.of())) {
				Map<String, Long> served;
				try (Load load = new Load(rpc)) {
					Map<String, Long> before = fleet.counts();
					long okBefore = load.ok.get();
					await().atMost(Duration.ofMinutes(3)).until(() -> load.ok.get() >= okBefore + 50_000 || load.ended());
					served = minus(fleet.counts(), before);
				}
				long total = served.values().stream().mapToLong(Long::longValue).sum();
				System.out.printf("fleet: %d callers, one least-pending template, three replicas: served %s (%d in all)%n",
						CALLERS, served, total);
				assertThat(total).isGreaterThanOrEqualTo(50_000);
				served.forEach((host, count) -> assertThat(count * 10).as("calls %s served, of %d", host, total)
					.isGreaterThanOrEqualTo(total));
			}
		}
	}

	@Test
	void sigkillOfAReplicaUnderLoadFailsAtMostItsCallsInFlightNoneStartedAfterAndRestartedItGetsCallsAgain()
			throws Exception {
		try (Fleet fleet = Fleet.start(null); RpcTemplate rpc = fleet.template(List.of())) {
			Load load = new Load(rpc);
			try (load) {
				// Mid-load: every replica has served calls of this load.
				Map<String, Long> before = fleet.counts();
				await().atMost(Duration.ofMinutes(3))
					.until(() -> minus(fleet.counts(), before).values().stream().allMatch((count) -> count > 100));
				fleet.kill("127.0.0.3");
				long okAtKill = load.ok.get();
				// Well after the kill: many calls started after it are answered (by the other two).
				await().atMost(Duration.ofMinutes(3)).until(() -> load.ok.get() >= okAtKill + 3000 || load.ended());
				Map<String, Long> afterKill = fleet.counts("127.0.0.2", "127.0.0.4");
				await().atMost(Duration.ofMinutes(3)).until(
						() -> minus(fleet.counts("127.0.0.2", "127.0.0.4"), afterKill).values().stream().allMatch((c) -> c > 100));

				fleet.restart("127.0.0.3");
				// The restarted process counts from zero: each call it serves is one the template sent it.
				await().atMost(Duration.ofMinutes(2)).until(() -> fleet.count("127.0.0.3") > 100);
			}
			List<Load.Failure> failures = List.copyOf(load.failures);
			System.out.printf("fleet: SIGKILL of 127.0.0.3 under %d callers: %d calls answered, %d failed: %s%n", CALLERS,
					load.ok.get(), failures.size(),
					failures.stream().map((failure) -> failure.error().toString()).distinct().toList());
			assertThat(failures).as("failed calls, at most one per caller in flight on the killed replica")
				.hasSizeLessThanOrEqualTo(CALLERS);
			assertThat(failures).allSatisfy((failure) -> assertThat(failure.error()).isInstanceOf(RpcConnectionException.class));
			// The first failure reported is the template seeing the connection drop: no call started after it fails.
			failures.stream().mapToLong(Load.Failure::startedBeforeReport).min().ifPresent((seen) -> assertThat(failures)
				.allSatisfy((failure) -> assertThat(failure.ticket()).as("a failed call's start, against the first report")
					.isLessThanOrEqualTo(seen)));
		}
	}

	@Test
	void withIdempotentRetriesOnSigkillOfAReplicaUnderLoadNoCallFails() throws Exception {
		try (Fleet fleet = Fleet.start(null); RpcTemplate rpc = fleet.template(List.of("Handler.Execute"))) {
			Load load = new Load(rpc);
			try (load) {
				Map<String, Long> before = fleet.counts();
				await().atMost(Duration.ofMinutes(3))
					.until(() -> minus(fleet.counts(), before).values().stream().allMatch((count) -> count > 100));
				fleet.kill("127.0.0.4");
				long okAtKill = load.ok.get();
				await().atMost(Duration.ofMinutes(3)).until(() -> load.ok.get() >= okAtKill + 3000 || load.ended());
			}
			System.out.printf("fleet: SIGKILL of 127.0.0.4 under %d callers, Handler.Execute idempotent: %d calls "
					+ "answered, %d failed: %s%n", CALLERS, load.ok.get(), load.failures.size(),
					load.failures.stream().map((failure) -> failure.error().toString()).distinct().toList());
			assertThat(load.ok.get()).isGreaterThan(3000);
			assertThat(load.failures).isEmpty();
		}
	}

	// ---- B: a silent partition, as root, inside a network namespace

	@Test
	void anNftablesDropMakesAnAddressSilentNeitherReplyNorResetAndDeletingItDeliversTheReply() throws Exception {
		String namespace = namespace();
		try (Fleet fleet = Fleet.start(namespace, "127.0.0.3")) {
			Probe raw = Probe.start(namespace, "raw", "127.0.0.3:" + fleet.rpcPort);
			assertThat(raw.awaitLine(Duration.ofMinutes(1))).isEqualTo("answered " + RAW_REPLY);
			partition(namespace, "127.0.0.3");
			raw.send("go");
			assertThat(raw.awaitLine(Duration.ofMinutes(1))).as("the fate of a call written after the drop rules")
				.isEqualTo("silent");
			heal(namespace);
			raw.send("heal");
			// TCP retransmits the call once the rules are gone: it arrives, and is answered.
			assertThat(raw.awaitLine(Duration.ofMinutes(2))).isEqualTo("answered " + RAW_REPLY);
		}
	}

	@Test
	void aSilentlyPartitionedReplicaIsAvoidedWithinSecondsNoCallFailsAfterAndHealedItServesAgain() throws Exception {
		String namespace = namespace();
		try (Fleet fleet = Fleet.start(namespace)) {
			List<String> replicas = HOSTS.stream()
				.map((host) -> host + ":" + fleet.rpcPort + ":" + fleet.replicas.get(host).httpPort)
				.toList();
			List<String> args = new ArrayList<>(List.of("load", "fleet"));
			args.addAll(replicas);
			Probe probe = Probe.start(namespace, args.toArray(String[]::new));
			try {
				// Before the partition: every replica serves, and nothing fails for five reports in a row (the
				// probe's first calls, on a cold JVM, may miss their 500 ms deadlines).
				Report healthy = probe.awaitReport(Duration.ofMinutes(3),
						(report) -> HOSTS.stream().allMatch((host) -> report.count(host) > 100) && probe.steadyFor(0, 5));

				partition(namespace, "127.0.0.3");
				int partitioned = probe.reports.size();
				// Detected: the failures stop growing for five reports in a row while calls are answered.
				Report settled = probe.awaitReport(Duration.ofMinutes(3), (report) -> probe.steadyFor(partitioned, 5));
				int settledAt = probe.reports.size();
				Report later = probe.awaitReport(Duration.ofMinutes(3), (report) -> probe.reports.size() >= settledAt + 5
						&& report.count("127.0.0.2") > settled.count("127.0.0.2") + 100
						&& report.count("127.0.0.4") > settled.count("127.0.0.4") + 100);
				assertThat(later.failed()).as("failed calls since the partition was found out").isEqualTo(settled.failed());
				assertThat(later.ok()).isGreaterThan(settled.ok());

				heal(namespace);
				long countBefore = healthy.count("127.0.0.3");
				Report healed = probe.awaitReport(Duration.ofMinutes(3), (report) -> report.count("127.0.0.3") > countBefore + 100);
				System.out.printf("fleet: silent partition of 127.0.0.3 (nftables drop, no FIN, no RST): %d calls failed "
						+ "before it was found out, within %d reports (%s), none in the next %d reports; healed: %s "
						+ "(%d failed on the cold start, before: %s)%n", settled.failed() - healthy.failed(),
						settled.index() - partitioned, settled.line(), later.index() - settled.index(), healed.line(),
						healthy.failed(), healthy.line());
				assertThat(healed.failed()).as("failed calls through the heal").isEqualTo(settled.failed());
			}
			finally {
				probe.end();
			}
		}
	}

	// ---- the fleet

	/** Three replicas (or the hosts given) on one RPC port, each with its own actuator port. */
	static final class Fleet implements AutoCloseable {

		private final String namespace;

		private final Map<String, Replica> replicas = new java.util.concurrent.ConcurrentHashMap<>();

		private int rpcPort;

		private Fleet(String namespace) {
			this.namespace = namespace;
		}

		static Fleet start(String namespace, String... hosts) {
			Fleet fleet = new Fleet(namespace);
			List<String> chosen = (hosts.length > 0) ? List.of(hosts) : HOSTS;
			// The first binds port 0; the others take the port it was given, on their own addresses.
			ServerProcess first = fleet.launch(chosen.get(0), 0);
			fleet.rpcPort = first.awaitRpcPort();
			List<ServerProcess> started = new ArrayList<>(List.of(first));
			for (String host : chosen.subList(1, chosen.size())) {
				started.add(fleet.launch(host, fleet.rpcPort));
			}
			for (int i = 0; i < chosen.size(); i++) {
				fleet.replicas.put(chosen.get(i), Replica.started(chosen.get(i), started.get(i), fleet.rpcPort));
			}
			return fleet;
		}

		private ServerProcess launch(String host, int port) {
			String[] args = { "--rpc.server.host=" + host, "--rpc.server.port=" + port, "--server.address=" + host,
					"--server.port=0" };
			ServerProcess server = (this.namespace != null)
					// ip netns exec runs java in the namespace as the same process (it execs).
					? ServerProcess.start(Path.of("ip"), List.of("netns", "exec", this.namespace, "java"), JAR, args)
					: ServerProcess.start(Jdks.defaultLauncher(), JAR, args);
			SERVERS.add(server);
			return server;
		}

		RpcTemplate template(List<String> idempotentMethods) {
			return template(idempotentMethods, RpcBalancer.LEAST_PENDING);
		}

		RpcTemplate template(List<String> idempotentMethods, RpcBalancer balancer) {
			List<InetSocketAddress> addresses = HOSTS.stream().map((host) -> new InetSocketAddress(host, this.rpcPort)).toList();
			return new RpcTemplateBuilder().addresses("fleet", () -> addresses)
				.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
				.idempotentMethods(idempotentMethods)
				.balancer(balancer)
				// Sized to the load: a SIGKILL fails up to a third of 64 callers' calls at once, and the default
				// budget (10 tokens, retries while more than 5 are left) retries only the first few of them.
				.retryBudget(1000, 0.1)
				// Generous: no call here should come near a deadline, however slow the machine.
				.timeout(Duration.ofSeconds(30))
				.build();
		}

		void kill(String host) {
			ServerProcess server = this.replicas.get(host).process;
			server.kill();
			assertThat(server.awaitExit(Duration.ofSeconds(30))).as("killed %s exited", host).isTrue();
		}

		void restart(String host) {
			ServerProcess server = launch(host, this.rpcPort);
			this.replicas.put(host, Replica.started(host, server, this.rpcPort));
		}

		long count(String host) throws Exception {
			return requestCount(get(this.replicas.get(host).httpPort, host));
		}

		Map<String, Long> counts(String... hosts) throws Exception {
			Map<String, Long> counts = new java.util.TreeMap<>();
			for (String host : (hosts.length > 0) ? List.of(hosts) : List.copyOf(this.replicas.keySet())) {
				counts.put(host, count(host));
			}
			return counts;
		}

		@Override
		public void close() {
			this.replicas.values().forEach((replica) -> replica.process.close());
			this.replicas.values().forEach((replica) -> replica.process.awaitExit(Duration.ofSeconds(30)));
		}

	}

	record Replica(String host, ServerProcess process, int httpPort) {

		static Replica started(String host, ServerProcess process, int rpcPort) {
			assertThat(process.awaitRpcPort()).as("%s's RPC port", host).isEqualTo(rpcPort);
			await().atMost(Duration.ofSeconds(60)).until(() -> TOMCAT_STARTED.matcher(process.output()).find());
			Matcher matcher = TOMCAT_STARTED.matcher(process.output());
			assertThat(matcher.find()).isTrue();
			return new Replica(host, process, Integer.parseInt(matcher.group(1)));
		}

	}

	/** The calls each replica served: its {@code rpc_server_requests_seconds_count} series, summed. */
	static long requestCount(String scrape) {
		return (long) scrape.lines()
			.filter((line) -> line.startsWith("rpc_server_requests_seconds_count{"))
			.mapToDouble((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
			.sum();
	}

	private static String get(int port, String host) throws Exception {
		return HTTP
			.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/actuator/prometheus"))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString())
			.body();
	}

	private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
		Map<String, Long> delta = new java.util.TreeMap<>();
		after.forEach((host, count) -> delta.put(host, count - before.getOrDefault(host, 0L)));
		return delta;
	}

	/** Virtual threads where the JDK has them (21+; the tests are compiled for 17), platform threads otherwise. */
	static ThreadFactory callerThreads() {
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
		}
		catch (ReflectiveOperationException ex) {
			return Executors.defaultThreadFactory();
		}
	}

	// ---- the load in the test JVM

	/**
	 * {@link #CALLERS} callers calling through one template until closed (or 2 minutes, or a million
	 * calls). Each call takes a ticket as it starts; a failure records its ticket and the last ticket
	 * issued when it was reported.
	 */
	static final class Load implements AutoCloseable {

		record Failure(long ticket, long startedBeforeReport, RuntimeException error) {
		}

		final AtomicLong ok = new AtomicLong();

		final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();

		private final AtomicLong tickets = new AtomicLong();

		private final AtomicBoolean stop = new AtomicBoolean();

		private final List<Thread> callers = new ArrayList<>();

		private final long end = System.nanoTime() + Duration.ofMinutes(4).toNanos();

		Load(RpcTemplate rpc) {
			ThreadFactory threads = callerThreads();
			for (int i = 0; i < CALLERS; i++) {
				Thread caller = threads.newThread(() -> {
					while (!this.stop.get() && !ended()) {
						long ticket = this.tickets.incrementAndGet();
						try {
							rpc.call("Handler.Execute", new Handler.Request("fleet"), Handler.Response.class);
							this.ok.incrementAndGet();
						}
						catch (RuntimeException ex) {
							this.failures.add(new Failure(ticket, this.tickets.get(), ex));
						}
					}
				});
				caller.start();
				this.callers.add(caller);
			}
		}

		boolean ended() {
			return System.nanoTime() > this.end || this.tickets.get() >= 1_000_000;
		}

		@Override
		public void close() throws InterruptedException {
			this.stop.set(true);
			for (Thread caller : this.callers) {
				caller.join(60_000);
				assertThat(caller.isAlive()).as("a caller still in a call a minute after the load stopped").isFalse();
			}
		}

	}

	// ---- B's machinery: a namespace, its rules, and the probe inside it

	private static final String RAW_REPLY = "{\"id\":1,\"result\":{\"Message\":\"Hello raw\"},\"error\":null}";

	/** A fresh network namespace, its loopback up (127.0.0.0/8 is all there), or the test skipped with why. */
	private static String namespace() {
		Assumptions.assumeTrue("0".equals(run("id", "-u").trim()), "needs root (ip netns, nft); CI runs as root");
		Assumptions.assumeTrue(run("ip", "-V") != null, "needs iproute2's ip");
		Assumptions.assumeTrue(run("nft", "--version") != null, "needs nftables' nft");
		String namespace = "hrpc-" + UUID.randomUUID().toString().substring(0, 8);
		String added = run("ip", "netns", "add", namespace);
		Assumptions.assumeTrue(added != null, () -> "ip netns add " + namespace + " failed here");
		NAMESPACES.add(namespace);
		assertThat(run("ip", "-n", namespace, "link", "set", "lo", "up")).isNotNull();
		return namespace;
	}

	/**
	 * Drops every packet to or from {@code host} in the namespace: its peers see nothing, neither a
	 * FIN nor an RST, and connects to it hang. Input and output hooks both, as a partition would.
	 */
	private static void partition(String namespace, String host) {
		nft(namespace, "add", "table", "inet", "hrpc");
		for (String hook : List.of("input", "output")) {
			nft(namespace, "add", "chain", "inet", "hrpc", hook, "{ type filter hook " + hook + " priority 0 ; }");
			nft(namespace, "add", "rule", "inet", "hrpc", hook, "ip", "daddr", host, "drop");
			nft(namespace, "add", "rule", "inet", "hrpc", hook, "ip", "saddr", host, "drop");
		}
	}

	private static void heal(String namespace) {
		nft(namespace, "delete", "table", "inet", "hrpc");
	}

	private static void nft(String namespace, String... args) {
		List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "nft"));
		command.addAll(List.of(args));
		assertThat(run(command.toArray(String[]::new))).as("%s", command).isNotNull();
	}

	/** A command's output, or null when it could not run or did not exit 0. */
	private static String run(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return null;
			}
			if (process.exitValue() != 0) {
				System.out.println(String.join(" ", command) + ": exit " + process.exitValue() + ": " + output);
				return null;
			}
			return output;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** One report line of the probe's load, numbered in the order it came. */
	record Report(int index, String line, long ok, long failed, Map<String, Long> counts) {

		private static final Pattern FIELD = Pattern.compile("(\\S+)=(-?\\d+)");

		static Optional<Report> parse(int index, String line) {
			if (!line.startsWith("report ")) {
				return Optional.empty();
			}
			Map<String, Long> fields = new java.util.HashMap<>();
			Matcher matcher = FIELD.matcher(line);
			while (matcher.find()) {
				fields.put(matcher.group(1), Long.parseLong(matcher.group(2)));
			}
			return Optional.of(new Report(index, line, fields.get("ok"), fields.get("failed"), fields));
		}

		long count(String host) {
			return this.counts.getOrDefault(host, -1L);
		}

	}

	/** {@link FleetProbe} run in the namespace on the test's own class path and JDK. */
	static final class Probe {

		private final Process process;

		private final List<String> lines = new CopyOnWriteArrayList<>();

		final List<Report> reports = new CopyOnWriteArrayList<>();

		private int read;

		private Probe(Process process) {
			this.process = process;
			Thread pump = new Thread(() -> {
				try (BufferedReader in = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
					String line;
					while ((line = in.readLine()) != null) {
						System.out.println("probe: " + line);
						Optional<Report> report = Report.parse(this.reports.size(), line);
						if (report.isPresent()) {
							this.reports.add(report.get());
						}
						else {
							this.lines.add(line);
						}
					}
				}
				catch (IOException ex) {
					// the probe is gone
				}
			}, "probe-output");
			pump.setDaemon(true);
			pump.start();
		}

		static Probe start(String namespace, String... args) {
			List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace,
					Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
					System.getProperty("java.class.path"), FleetProbe.class.getName()));
			command.addAll(List.of(args));
			try {
				Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
				PROBES.add(process);
				return new Probe(process);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		/** The next line other than a report. */
		String awaitLine(Duration atMost) {
			await().atMost(atMost).until(() -> this.lines.size() > this.read || !this.process.isAlive());
			assertThat(this.lines.size()).as("the probe exited: %s", this.lines).isGreaterThan(this.read);
			return this.lines.get(this.read++);
		}

		void send(String line) throws IOException {
			OutputStream in = this.process.getOutputStream();
			in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			in.flush();
		}

		/** The first report (from now on, or already in) that matches. */
		Report awaitReport(Duration atMost, java.util.function.Predicate<Report> condition) {
			await().atMost(atMost).until(() -> latest().filter(condition).isPresent() || !this.process.isAlive());
			return latest().filter(condition).orElseThrow(() -> new AssertionError("the probe ended: " + this.lines));
		}

		/** Whether, after report {@code from}, {@code count} reports in a row show no new failure and new answers. */
		boolean steadyFor(int from, int count) {
			List<Report> since = this.reports.subList(Math.min(from, this.reports.size()), this.reports.size());
			if (since.size() < count + 1) {
				return false;
			}
			List<Report> window = since.subList(since.size() - count - 1, since.size());
			for (int i = 1; i < window.size(); i++) {
				if (window.get(i).failed() != window.get(0).failed() || window.get(i).ok() <= window.get(i - 1).ok()) {
					return false;
				}
			}
			return true;
		}

		private Optional<Report> latest() {
			return this.reports.isEmpty() ? Optional.empty() : Optional.of(this.reports.get(this.reports.size() - 1));
		}

		void end() throws Exception {
			this.process.getOutputStream().close();
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}

	}

}
