package io.hellorpc.jsonrpc.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.hellorpc.jsonrpc.client.RpcAddressResolver;
import io.hellorpc.jsonrpc.client.RpcBalancer;
import io.hellorpc.jsonrpc.client.RpcClientResources;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;

/**
 * The fleet rows of {@code bench/perf.sh}: TEMPLATES templates, each over every replica of one
 * name, INFLIGHT callers per template (a thread each) calling {@code Handler.Execute} in a loop,
 * the calls spread by the template's {@link RpcBalancer}. Prints the same JSON line as
 * {@link RpcTemplateLoad} (calls, calls/s, p50, p99 of the measured window, client CPU per call,
 * errors) and announces the measured window with {@code measuring} on stderr.
 * <p>
 * Usage: {@code FleetLoad TARGET TEMPLATES INFLIGHT WARMUP_SECONDS SECONDS MAX_CALLS BALANCER [THREADS]}
 * where TARGET is {@code HOST:PORT} (the builder's {@code address(host, port)}: every address
 * the name resolves to, e.g. through {@code -Djdk.net.hosts.file}) or a comma-separated list of
 * {@code HOST:PORT} (a resolver listing them, {@code addresses(name, resolver)}), and BALANCER is
 * {@code least-pending} or {@code round-robin}, and THREADS {@code virtual} (the default; Java 21+) or
 * {@code platform}. The run ends at WARMUP + SECONDS or after
 * MAX_CALLS calls in all, whichever comes first.
 */
public final class FleetLoad {

	private FleetLoad() {
	}

	public static void main(String[] args) throws Exception {
		String target = args[0];
		int templates = Integer.parseInt(args[1]);
		int inflight = Integer.parseInt(args[2]);
		long warmupNanos = RpcTemplateLoad.seconds(args[3]);
		long measureNanos = RpcTemplateLoad.seconds(args[4]);
		int maxCalls = Integer.parseInt(args[5]);
		RpcBalancer balancer = RpcBalancer.valueOf(args[6].toUpperCase(Locale.ROOT).replace('-', '_'));
		RpcClientResources resources = new RpcClientResources();
		long start = System.nanoTime();
		RpcTemplateLoad.Window window = new RpcTemplateLoad.Window(start + warmupNanos,
				start + warmupNanos + measureNanos, Math.max(1, maxCalls / (templates * inflight)));
		AtomicLong cpuAtStart = new AtomicLong(-1);
		AtomicReference<Map<String, long[]>> switchesAtStart = new AtomicReference<>(Map.of());
		Thread cpuMark = new Thread(() -> {
			if (RpcTemplateLoad.sleepUntil(window.from())) {
				cpuAtStart.set(RpcTemplateLoad.processCpuNanos());
				switchesAtStart.set(RpcTemplateLoad.contextSwitches());
				// bench/perf.sh reads the servers' CPU and request counts from here on
				System.err.println("measuring");
			}
		}, "cpu-mark");
		cpuMark.setDaemon(true);
		cpuMark.start();
		ThreadFactory threads = RpcTemplateLoad.threads((args.length > 7) ? args[7] : "virtual");
		List<RpcTemplate> made = new ArrayList<>();
		List<RpcTemplateLoad.Caller> callers = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(templates * inflight);
		for (int t = 0; t < templates; t++) {
			RpcTemplate rpc = fleet(new RpcTemplateBuilder().resources(resources), target).balancer(balancer).build();
			made.add(rpc);
			for (int k = 0; k < inflight; k++) {
				RpcTemplateLoad.Caller caller = new RpcTemplateLoad.Caller(
						Math.max(1 << 14, (1 << 23) / (templates * inflight)));
				callers.add(caller);
				threads.newThread(() -> {
					RpcTemplateLoad.callBlocking(rpc, caller, window);
					done.countDown();
				}).start();
			}
		}
		done.await();
		long finished = System.nanoTime();
		cpuMark.interrupt();
		cpuMark.join();
		long cpu = (cpuAtStart.get() >= 0) ? RpcTemplateLoad.processCpuNanos() - cpuAtStart.get() : 0;
		long[] switches = RpcTemplateLoad.reportContextSwitches(switchesAtStart.get(), RpcTemplateLoad.contextSwitches());
		made.forEach(RpcTemplate::close);
		resources.close();
		long measured = Math.min(finished, window.end()) - window.from();
		RpcTemplateLoad.report(callers, Math.max(measured, 1), cpu, switches);
	}

	/** {@code HOST:PORT}: every address of the name; {@code A:P,B:P,...}: those addresses. */
	private static RpcTemplateBuilder fleet(RpcTemplateBuilder builder, String target) {
		if (!target.contains(",")) {
			int colon = target.lastIndexOf(':');
			return builder.address(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
		}
		List<InetSocketAddress> addresses = new ArrayList<>();
		for (String address : target.split(",")) {
			int colon = address.lastIndexOf(':');
			addresses.add(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))));
		}
		List<InetSocketAddress> fixed = List.copyOf(addresses);
		RpcAddressResolver resolver = () -> fixed;
		return builder.addresses("fleet:" + target, resolver);
	}

}
