package io.hellorpc.jsonrpc.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;

/**
 * The Java side of {@code bench/perf.sh}: the same load as the Go program's bench mode, made
 * through {@link RpcTemplate}: CONNS templates (one connection each), INFLIGHT threads per
 * template calling in a loop. Prints one JSON line, as the Go bench does.
 * <p>
 * Usage: {@code RpcTemplateLoad HOST PORT CONNS INFLIGHT WARMUP_SECONDS SECONDS}
 */
public final class RpcTemplateLoad {

	private static final int MAX_CALLS_PER_WORKER = 50_000_000;

	record Request(String name) {
	}

	record Response(String message) {
	}

	public static void main(String[] args) throws Exception {
		String host = args[0];
		int port = Integer.parseInt(args[1]);
		int conns = Integer.parseInt(args[2]);
		int inflight = Integer.parseInt(args[3]);
		long warmupNanos = Duration.ofMillis((long) (Double.parseDouble(args[4]) * 1000)).toNanos();
		long measureNanos = Duration.ofMillis((long) (Double.parseDouble(args[5]) * 1000)).toNanos();
		long start = System.nanoTime();
		long measureFrom = start + warmupNanos;
		long end = measureFrom + measureNanos;
		List<RpcTemplate> templates = new ArrayList<>();
		List<long[]> latencies = new ArrayList<>();
		List<Thread> workers = new ArrayList<>();
		AtomicInteger errors = new AtomicInteger();
		for (int c = 0; c < conns; c++) {
			RpcTemplate rpc = new RpcTemplateBuilder().address(host, port).build();
			templates.add(rpc);
			for (int k = 0; k < inflight; k++) {
				long[] samples = new long[1 << 20];
				latencies.add(samples);
				workers.add(start(() -> run(rpc, samples, measureFrom, end, errors)));
			}
		}
		for (Thread worker : workers) {
			worker.join();
		}
		templates.forEach(RpcTemplate::close);
		report(latencies, measureNanos, errors.get());
	}

	private static Thread start(Runnable work) {
		Thread thread = new Thread(work, "load");
		thread.start();
		return thread;
	}

	private static void run(RpcTemplate rpc, long[] samples, long measureFrom, long end, AtomicInteger errors) {
		Request request = new Request("ciro");
		int count = 0;
		for (int n = 0; n < MAX_CALLS_PER_WORKER; n++) {
			long t0 = System.nanoTime();
			if (t0 >= end) {
				break;
			}
			try {
				Response response = rpc.call("Handler.Execute", request, Response.class);
				if (!"Hello ciro".equals(response.message())) {
					errors.incrementAndGet();
				}
			}
			catch (RuntimeException ex) {
				errors.incrementAndGet();
			}
			long t1 = System.nanoTime();
			if (t0 >= measureFrom && t1 <= end && count < samples.length - 1) {
				samples[++count] = t1 - t0;
			}
		}
		samples[0] = count;
	}

	private static void report(List<long[]> latencies, long measureNanos, int errors) {
		int total = latencies.stream().mapToInt((samples) -> (int) samples[0]).sum();
		long[] all = new long[total];
		int i = 0;
		for (long[] samples : latencies) {
			System.arraycopy(samples, 1, all, i, (int) samples[0]);
			i += (int) samples[0];
		}
		java.util.Arrays.sort(all);
		double seconds = measureNanos / 1e9;
		System.out.printf(Locale.ROOT,
				"{\"calls\":%d,\"seconds\":%.3f,\"callsPerSec\":%.1f,\"p50us\":%.1f,\"p99us\":%.1f,\"errors\":%d}%n", total,
				seconds, total / seconds, percentile(all, 0.50), percentile(all, 0.99), errors);
	}

	private static double percentile(long[] sorted, double p) {
		return (sorted.length == 0) ? 0 : sorted[(int) ((sorted.length - 1) * p)] / 1000.0;
	}

}
