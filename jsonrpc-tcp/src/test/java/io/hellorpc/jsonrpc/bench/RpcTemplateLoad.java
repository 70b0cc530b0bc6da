package io.hellorpc.jsonrpc.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.hellorpc.jsonrpc.autoconfigure.JsonRpcAutoConfiguration;
import io.hellorpc.jsonrpc.autoconfigure.RpcClientAutoConfiguration;
import io.hellorpc.jsonrpc.client.RpcBatch;
import io.hellorpc.jsonrpc.client.RpcClientResources;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * The Java side of {@code bench/perf.sh}: the same load as the Go program's bench mode, made
 * through {@link RpcTemplate}: CONNS templates (one connection each), INFLIGHT callers per
 * template calling in a loop. Prints one JSON line, as the Go bench does, with this process's CPU
 * per measured call and its threads' context switches in the measured window (on Linux; per
 * thread name on stderr).
 * <p>
 * Usage: {@code RpcTemplateLoad HOST PORT CONNS INFLIGHT WARMUP_SECONDS SECONDS [MAX_CALLS [MODE [BUILD [WARMUP_CALLS]]]]}
 * where MODE is {@code platform} (a platform thread per caller, blocking {@code call}),
 * {@code virtual} (a virtual thread per caller; Java 21+), {@code async} (each caller a chain
 * of {@code callAsync}, no thread of its own), {@code async-2} (the same in JSON-RPC 2.0) or
 * {@code batch-16} (JSON-RPC 2.0, each caller a chain of batches of 16 calls, each call counted).
 * BUILD is how the templates are made: {@code shared} (the default: each
 * {@code new RpcTemplateBuilder().address(..).resources(r).build()} with one
 * {@link RpcClientResources} for all), {@code hand} (each {@code new RpcTemplateBuilder().address(..).build()},
 * no resources given, as a user writes it) or {@code auto} (a real Spring Boot context, no web,
 * with the project's client auto-configuration: each template built from the injected
 * {@link RpcTemplateBuilder} bean).
 * The run ends at WARMUP + SECONDS or after MAX_CALLS calls in all, whichever comes first.
 * <p>
 * With WARMUP_CALLS (a tenth argument; {@code bench/alloc.sh} gives it) the run has two phases
 * instead of a timed window: a warm-up of WARMUP_CALLS calls in all (or WARMUP_SECONDS, whichever
 * comes first), then, once every caller has stopped, a measured phase of MAX_CALLS calls in all
 * (or SECONDS). Nothing is in flight when the measured phase starts and ends, and the templates'
 * connections are open before it, so what it counts is the calls' own cost and nothing else.
 * <p>
 * With {@code -Dslices=K} (and no WARMUP_CALLS; {@code bench/perf.sh} runs it so) the warm-up
 * takes WARMUP_SECONDS, and then come K measured phases of SECONDS (or MAX_CALLS) each, one JSON
 * line each: it writes {@code ready} on stdout before each, starts it when a line comes on
 * stdin (and writes {@code measuring} as its window opens), so that Go's client can run in between and the two be compared slice by slice. With
 * {@code -DsliceWarmup=SECONDS} each slice has a warm-up of its own first, after the cue.
 * <p>
 * The JSON line also has the heap bytes this JVM allocated in the measured window, in all and per
 * call ({@code allocBytes}, {@code allocBytesPerCall}): all its threads', ended ones included
 * ({@code com.sun.management.ThreadMXBean#getTotalThreadAllocatedBytes}, Java 21+; on older JVMs
 * the threads alive at the window's end), read last at its start and first at its end.
 */
public final class RpcTemplateLoad {

	private static final int BATCH = 16;

	record Request(String name) {
	}

	record Response(String message) {
	}

	/** One caller's samples: latencies in the measured window, and its error count. */
	static final class Caller {

		final long[] samples;

		/** Samples kept (at most {@code samples.length}). */
		int count;

		/** Calls in the measured window, kept or not. */
		int calls;

		int errors;

		Caller(int capacity) {
			this.samples = new long[capacity];
		}

		void record(long t0, long t1, boolean ok, Window window) {
			if (!ok) {
				this.errors++;
			}
			if (t0 >= window.from && t1 <= window.end) {
				this.calls++;
				if (this.count < this.samples.length) {
					this.samples[this.count++] = t1 - t0;
				}
			}
		}

	}

	record Window(long from, long end, int callsPerCaller) {
	}

	public static void main(String[] args) throws Exception {
		String host = args[0];
		int port = Integer.parseInt(args[1]);
		int conns = Integer.parseInt(args[2]);
		int inflight = Integer.parseInt(args[3]);
		long warmupNanos = seconds(args[4]);
		long measureNanos = seconds(args[5]);
		int maxCalls = (args.length > 6) ? Integer.parseInt(args[6]) : 50_000_000;
		String mode = (args.length > 7) ? args[7] : "platform";
		String build = (args.length > 8) ? args[8] : "shared";
		// the counter's first read links its method handle: done here, out of any window
		Allocation.bytes();
		if (args.length > 9) {
			phased(host, port, conns, inflight, warmupNanos, measureNanos, Integer.parseInt(args[9]), maxCalls, mode,
					build, 1, false);
			return;
		}
		int slices = Integer.getInteger("slices", 0);
		if (System.getProperty("slices") != null) {
			if (slices < 1) {
				throw new IllegalArgumentException("-Dslices must be 1 or more, not " + System.getProperty("slices"));
			}
			phased(host, port, conns, inflight, warmupNanos, measureNanos, Integer.MAX_VALUE, maxCalls, mode, build,
					slices, true);
			return;
		}
		// A Spring context takes seconds to start: the clock starts once the builders are at hand.
		Templates made = Templates.of(build);
		long start = System.nanoTime();
		Window window = new Window(start + warmupNanos, start + warmupNanos + measureNanos,
				Math.max(1, maxCalls / (conns * inflight)));
		List<RpcTemplate> templates = new ArrayList<>();
		List<Caller> callers = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(conns * inflight);
		AtomicLong cpuAtStart = new AtomicLong(-1);
		AtomicReference<Map<String, long[]>> switchesAtStart = new AtomicReference<>(Map.of());
		AtomicLong allocatedAtStart = new AtomicLong(-1);
		Thread cpuMark = new Thread(() -> {
			if (sleepUntil(window.from)) {
				cpuAtStart.set(processCpuNanos());
				switchesAtStart.set(contextSwitches());
				// bench/perf.sh reads the server's CPU from here on
				System.err.println("measuring");
				allocatedAtStart.set(Allocation.bytes());
			}
		}, "cpu-mark");
		cpuMark.setDaemon(true);
		cpuMark.start();
		ThreadFactory threads = threads(mode);
		RpcProtocol protocol = (mode.endsWith("-2") || mode.startsWith("batch")) ? RpcProtocol.JSON_RPC_2 : RpcProtocol.GO;
		for (int c = 0; c < conns; c++) {
			RpcTemplate rpc = made.builder().address(host, port).protocol(protocol).build();
			templates.add(rpc);
			for (int k = 0; k < inflight; k++) {
				// 64 MB of samples in all, however many callers
				Caller caller = new Caller(Math.max(1 << 14, (1 << 23) / (conns * inflight)));
				callers.add(caller);
				if (mode.startsWith("async")) {
					callAsync(rpc, caller, window, 0, done);
				}
				else if ("batch-16".equals(mode)) {
					callBatches(rpc, caller, window, 0, done);
				}
				else {
					threads.newThread(() -> {
						callBlocking(rpc, caller, window);
						done.countDown();
					}).start();
				}
			}
		}
		done.await();
		long allocatedAtEnd = Allocation.bytes();
		long finished = System.nanoTime();
		cpuMark.interrupt();
		cpuMark.join();
		long cpu = (cpuAtStart.get() >= 0) ? processCpuNanos() - cpuAtStart.get() : 0;
		long[] switches = reportContextSwitches(switchesAtStart.get(), contextSwitches());
		long allocated = (allocatedAtStart.get() >= 0 && allocatedAtEnd >= 0) ? allocatedAtEnd - allocatedAtStart.get() : -1;
		templates.forEach(RpcTemplate::close);
		made.close();
		long measured = Math.min(finished, window.end) - window.from;
		report(callers, Math.max(measured, 1), cpu, switches, allocated);
	}

	/**
	 * The run in phases (WARMUP_CALLS given, or {@code -Dslices=K}): the warm-up, every caller
	 * stopped, then each measured phase, its CPU, context switches and allocated bytes read while
	 * nothing is in flight, one JSON line each. With slices, each measured phase starts when a line
	 * comes on stdin (after {@code ready} on stdout), so that {@code bench/perf.sh} can run Go's
	 * client between them: the two are compared slice by slice, seconds apart, on a machine whose
	 * speed drifts.
	 */
	private static void phased(String host, int port, int conns, int inflight, long warmupNanos, long measureNanos,
			int warmupCalls, int maxCalls, String mode, String build, int slices, boolean cued) throws Exception {
		Templates made = Templates.of(build);
		int n = conns * inflight;
		long start = System.nanoTime();
		Phase warmup = new Phase(n, 16);
		warmup.window = new Window(start, start + warmupNanos, Math.max(1, warmupCalls / n));
		int perCaller = Math.max(1, maxCalls / n);
		// by count (alloc.sh): every sample kept; slices (cued on stdin): 2^21 samples in all, or 2^14 a
		// caller if more, every call counted all the same (past that, the percentiles are of each
		// caller's first calls: at 4 x 16, some 13 s into a slice)
		int capacity = !cued ? Math.max(perCaller, Math.max(1 << 14, (1 << 23) / n))
				: Math.min(perCaller, Math.max(1 << 14, (1 << 21) / n));
		// a slice is preceded by a warm-up of its own, as Go's client has one before each of its runs:
		// a load that idled while Go ran starts cold (caches, the carriers' and I/O threads' parking)
		long sliceWarmupNanos = cued ? seconds(System.getProperty("sliceWarmup", "0")) : 0;
		List<Phase> measured = new ArrayList<>();
		for (int i = 0; i < slices; i++) {
			if (sliceWarmupNanos > 0) {
				measured.add(new Phase(n, 16, true));
			}
			measured.add(new Phase(n, capacity));
		}
		ThreadFactory threads = threads(mode);
		RpcProtocol protocol = (mode.endsWith("-2") || mode.startsWith("batch")) ? RpcProtocol.JSON_RPC_2 : RpcProtocol.GO;
		List<RpcTemplate> templates = new ArrayList<>();
		for (int c = 0; c < conns; c++) {
			templates.add(made.builder().address(host, port).protocol(protocol).build());
		}
		boolean blocking = !mode.startsWith("async") && !"batch-16".equals(mode);
		if (blocking) {
			// each caller's thread lives through all phases: none is started in a measured one
			for (int i = 0; i < n; i++) {
				RpcTemplate rpc = templates.get(i / inflight);
				int caller = i;
				threads.newThread(() -> {
					callBlocking(rpc, warmup.callers.get(caller), warmup.window);
					warmup.done.countDown();
					for (Phase phase : measured) {
						awaitUninterruptibly(phase.go);
						callBlocking(rpc, phase.callers.get(caller), phase.window);
						phase.done.countDown();
					}
				}).start();
			}
		}
		else {
			warmup.startChains(templates, inflight, mode);
		}
		warmup.done.await();
		int warmupErrors = warmup.callers.stream().mapToInt((caller) -> caller.errors).sum();
		if (warmupErrors > 0) {
			System.err.println("warm-up errors: " + warmupErrors);
		}
		BufferedReader cues = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		for (Phase phase : measured) {
			// slices: the cues' replies on stdout, so that bench/perf.sh reads them blocking (a poll of
			// a file would fork processes on the pinned CPUs during the measured window)
			if (phase.warmup) {
				System.out.println("ready");
				System.out.flush();
				if (cues.readLine() == null) {
					break; // nobody to cue the rest
				}
				long from = System.nanoTime();
				run(phase, new Window(from, from + sliceWarmupNanos, Integer.MAX_VALUE), blocking, templates, inflight, mode);
				continue;
			}
			if (cued && sliceWarmupNanos == 0) {
				System.out.println("ready");
				System.out.flush();
				if (cues.readLine() == null) {
					break;
				}
			}
			Map<String, long[]> switchesAtStart = contextSwitches();
			long cpuAtStart = processCpuNanos();
			(cued ? System.out : System.err).println("measuring");
			System.out.flush();
			long allocatedAtStart = Allocation.bytes();
			long from = System.nanoTime();
			run(phase, new Window(from, from + measureNanos, perCaller), blocking, templates, inflight, mode);
			long allocatedAtEnd = Allocation.bytes();
			long allocated = (allocatedAtStart >= 0) ? allocatedAtEnd - allocatedAtStart : -1;
			long finished = System.nanoTime();
			long cpu = processCpuNanos() - cpuAtStart;
			long[] switches = reportContextSwitches(switchesAtStart, contextSwitches());
			report(phase.callers, Math.max(Math.min(finished, phase.window.end) - from, 1), cpu, switches, allocated);
			System.out.flush();
		}
		for (Phase phase : measured) {
			if (phase.window == null) {
				phase.window = new Window(0, 0, 0); // a phase never cued: its callers make no call, and end
				phase.go.countDown();
			}
		}
		templates.forEach(RpcTemplate::close);
		made.close();
	}

	/** Runs the phase in that window: its callers' threads let go, or its chains started; returns when all stopped. */
	private static void run(Phase phase, Window window, boolean blocking, List<RpcTemplate> templates, int inflight,
			String mode) throws InterruptedException {
		phase.window = window;
		if (blocking) {
			phase.go.countDown();
		}
		else {
			phase.startChains(templates, inflight, mode);
		}
		phase.done.await();
	}

	/** One phase of a run by count: its callers, its window (set when it starts), and its latches. */
	static final class Phase {

		final List<Caller> callers = new ArrayList<>();

		final CountDownLatch go = new CountDownLatch(1);

		final CountDownLatch done;

		volatile Window window;

		/** A slice's own warm-up: not reported. */
		final boolean warmup;

		Phase(int n, int capacity) {
			this(n, capacity, false);
		}

		Phase(int n, int capacity, boolean warmup) {
			this.warmup = warmup;
			for (int i = 0; i < n; i++) {
				this.callers.add(new Caller(capacity));
			}
			this.done = new CountDownLatch(n);
		}

		/** INFLIGHT chains of callAsync or batches per template, from this thread. */
		void startChains(List<RpcTemplate> templates, int inflight, String mode) {
			for (int i = 0; i < this.callers.size(); i++) {
				RpcTemplate rpc = templates.get(i / inflight);
				if ("batch-16".equals(mode)) {
					callBatches(rpc, this.callers.get(i), this.window, 0, this.done);
				}
				else {
					callAsync(rpc, this.callers.get(i), this.window, 0, this.done);
				}
			}
		}

	}

	static void awaitUninterruptibly(CountDownLatch latch) {
		boolean interrupted = false;
		while (true) {
			try {
				latch.await();
				break;
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The heap bytes this JVM's threads have allocated so far: all of them, ended ones included
	 * ({@code getTotalThreadAllocatedBytes}, Java 21+; looked up at run time, this class being
	 * compiled for 17), or on older JVMs the sum over the live threads; -1 where the JVM does not
	 * count them. Reading it allocates nothing.
	 */
	static final class Allocation {

		private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();

		private static final MethodHandle TOTAL = total();

		private Allocation() {
		}

		private static MethodHandle total() {
			try {
				return MethodHandles.publicLookup()
					.findVirtual(com.sun.management.ThreadMXBean.class, "getTotalThreadAllocatedBytes",
							MethodType.methodType(long.class));
			}
			catch (ReflectiveOperationException ex) {
				return null;
			}
		}

		static long bytes() {
			if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
				return -1;
			}
			if (TOTAL != null) {
				try {
					return (long) TOTAL.invokeExact(THREADS);
				}
				catch (Throwable ex) {
					throw new IllegalStateException(ex);
				}
			}
			long sum = 0;
			for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
				sum += Math.max(bytes, 0);
			}
			return sum;
		}

	}

	/** Where the templates' builders come from, and what to close after the templates. */
	private interface Templates extends AutoCloseable {

		RpcTemplateBuilder builder();

		@Override
		void close();

		static Templates of(String build) {
			switch (build) {
				case "hand":
					// What a user writes: no resources given.
					return new Templates() {

						@Override
						public RpcTemplateBuilder builder() {
							return new RpcTemplateBuilder();
						}

						@Override
						public void close() {
						}

					};
				case "shared":
					// One RpcClientResources for all the templates, as the auto-configured ones share theirs.
					RpcClientResources resources = new RpcClientResources();
					return new Templates() {

						@Override
						public RpcTemplateBuilder builder() {
							return new RpcTemplateBuilder().resources(resources);
						}

						@Override
						public void close() {
							resources.close();
						}

					};
				case "auto":
					ConfigurableApplicationContext context = new SpringApplicationBuilder(AutoConfigured.class)
						.web(WebApplicationType.NONE)
						.bannerMode(Banner.Mode.OFF)
						.logStartupInfo(false)
						.run("--logging.level.root=WARN");
					return new Templates() {

						@Override
						public RpcTemplateBuilder builder() {
							// A fresh builder per template where the bean is prototype-scoped, the one builder where it is not.
							return context.getBean(RpcTemplateBuilder.class);
						}

						@Override
						public void close() {
							context.close();
						}

					};
				default:
					throw new IllegalArgumentException("BUILD is hand, shared or auto, not " + build);
			}
		}

	}

	/** The smallest Spring Boot application with the project's client: codec, SSL bundles, client auto-configuration. */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ JsonRpcAutoConfiguration.class, SslAutoConfiguration.class, RpcClientAutoConfiguration.class })
	static class AutoConfigured {

	}

	private static final AtomicReference<Throwable> FIRST_ERROR = new AtomicReference<>();

	/** The first failure is told on stderr, to say what the errors column counts. */
	static void firstError(Throwable failure) {
		if (failure != null && FIRST_ERROR.compareAndSet(null, failure)) {
			System.err.println("first error: " + failure);
		}
	}

	static void callBlocking(RpcTemplate rpc, Caller caller, Window window) {
		Request request = new Request("ciro");
		for (int n = 0; n < window.callsPerCaller; n++) {
			long t0 = System.nanoTime();
			if (t0 >= window.end) {
				return;
			}
			boolean ok;
			try {
				ok = "Hello ciro".equals(rpc.call("Handler.Execute", request, Response.class).message());
			}
			catch (RuntimeException ex) {
				ok = false;
				firstError(ex);
			}
			caller.record(t0, System.nanoTime(), ok, window);
		}
	}

	/** The next call of an async caller starts when the previous one completes, on the template's threads. */
	private static void callAsync(RpcTemplate rpc, Caller caller, Window window, int n, CountDownLatch done) {
		long t0 = System.nanoTime();
		if (n >= window.callsPerCaller || t0 >= window.end) {
			done.countDown();
			return;
		}
		rpc.callAsync("Handler.Execute", new Request("ciro"), Response.class).whenComplete((response, failure) -> {
			firstError(failure);
			caller.record(t0, System.nanoTime(), failure == null && "Hello ciro".equals(response.message()), window);
			callAsync(rpc, caller, window, n + 1, done);
		});
	}

	/** A chain of batches of {@value #BATCH} calls: the next batch goes out when the last reply of one is in. */
	private static void callBatches(RpcTemplate rpc, Caller caller, Window window, int n, CountDownLatch done) {
		long t0 = System.nanoTime();
		if (n >= window.callsPerCaller || t0 >= window.end) {
			done.countDown();
			return;
		}
		RpcBatch batch = rpc.batch();
		List<CompletableFuture<Response>> replies = new ArrayList<>();
		for (int i = 0; i < BATCH; i++) {
			replies.add(batch.call("Handler.Execute", new Request("ciro"), Response.class));
		}
		batch.send();
		CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> {
			long t1 = System.nanoTime();
			for (CompletableFuture<Response> reply : replies) {
				caller.record(t0, t1, failure == null && "Hello ciro".equals(reply.join().message()), window);
			}
			callBatches(rpc, caller, window, n + BATCH, done);
		});
	}

	static ThreadFactory threads(String mode) throws ReflectiveOperationException {
		if ("virtual".equals(mode)) {
			// Java 21+; this class is compiled for 17, so the factory is looked up at run time.
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
		}
		return Executors.defaultThreadFactory();
	}

	/**
	 * Context switches of each live thread ({@code /proc/self/task/*}: "TID NAME" to voluntary and
	 * involuntary counts); none where there is no {@code /proc}.
	 */
	static Map<String, long[]> contextSwitches() {
		Map<String, long[]> switches = new HashMap<>();
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
			for (Path task : tasks) {
				try {
					String name = Files.readString(task.resolve("comm")).trim();
					long[] counts = new long[2];
					for (String line : Files.readAllLines(task.resolve("status"))) {
						if (line.startsWith("voluntary_ctxt_switches:")) {
							counts[0] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
						else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
							counts[1] = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
						}
					}
					switches.put(task.getFileName() + " " + name, counts);
				}
				catch (IOException | RuntimeException ex) {
					// the thread ended meanwhile
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// no /proc
		}
		return switches;
	}

	/**
	 * The switches in the measured window of the threads alive at both ends: the totals, and to
	 * stderr one line per thread name with its numbers folded ("ctxt-switches NAME VOLUNTARY INVOLUNTARY").
	 */
	static long[] reportContextSwitches(Map<String, long[]> before, Map<String, long[]> after) {
		Map<String, long[]> byName = new TreeMap<>();
		long[] total = new long[2];
		after.forEach((task, counts) -> {
			long[] then = before.get(task);
			if (then != null) {
				String name = task.substring(task.indexOf(' ') + 1).replaceAll("[0-9]+", "N");
				long[] sum = byName.computeIfAbsent(name, (key) -> new long[2]);
				for (int i = 0; i < 2; i++) {
					sum[i] += counts[i] - then[i];
					total[i] += counts[i] - then[i];
				}
			}
		});
		byName.forEach((name, counts) -> System.err.printf(Locale.ROOT, "ctxt-switches %s %d %d%n",
				name.replace(' ', '_'), counts[0], counts[1]));
		return total;
	}

	static void report(List<Caller> callers, long measuredNanos, long cpuNanos, long[] switches) {
		report(callers, measuredNanos, cpuNanos, switches, -1);
	}

	/** The JSON line; with the allocated bytes when they are known (not negative). */
	static void report(List<Caller> callers, long measuredNanos, long cpuNanos, long[] switches, long allocatedBytes) {
		int total = callers.stream().mapToInt((caller) -> caller.calls).sum();
		int errors = callers.stream().mapToInt((caller) -> caller.errors).sum();
		// the percentiles from the samples kept: all, unless a caller made more calls than it keeps
		long[] all = new long[callers.stream().mapToInt((caller) -> caller.count).sum()];
		int i = 0;
		for (Caller caller : callers) {
			System.arraycopy(caller.samples, 0, all, i, caller.count);
			i += caller.count;
		}
		Arrays.sort(all);
		double seconds = measuredNanos / 1e9;
		System.out.printf(Locale.ROOT,
				"{\"calls\":%d,\"seconds\":%.3f,\"callsPerSec\":%.1f,\"p50us\":%.1f,\"p99us\":%.1f,"
						+ "\"clientCpuUsPerCall\":%.2f,\"errors\":%d,\"voluntaryCtxtSwitches\":%d,\"involuntaryCtxtSwitches\":%d%s}%n",
				total, seconds, total / seconds, percentile(all, 0.50), percentile(all, 0.99),
				(total > 0) ? cpuNanos / 1000.0 / total : 0, errors, switches[0], switches[1],
				(allocatedBytes < 0) ? ""
						: String.format(Locale.ROOT, ",\"allocBytes\":%d,\"allocBytesPerCall\":%.1f", allocatedBytes,
								(total > 0) ? (double) allocatedBytes / total : 0));
	}

	private static double percentile(long[] sorted, double p) {
		return (sorted.length == 0) ? 0 : sorted[(int) ((sorted.length - 1) * p)] / 1000.0;
	}

	static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	static long seconds(String value) {
		return Duration.ofMillis((long) (Double.parseDouble(value) * 1000)).toNanos();
	}

	/** Sleeps until then; {@code false} if interrupted first (the run ended inside the warm-up). */
	static boolean sleepUntil(long nanoTime) {
		try {
			long left;
			while ((left = nanoTime - System.nanoTime()) > 0) {
				Thread.sleep(Math.max(1, left / 1_000_000));
			}
			return true;
		}
		catch (InterruptedException ex) {
			return false;
		}
	}

}
