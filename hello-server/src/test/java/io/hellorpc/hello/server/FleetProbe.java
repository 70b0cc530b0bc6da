package io.hellorpc.hello.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.client.RpcTimeoutException;

/**
 * A client process for {@link FleetIT}'s partition tests, run inside the test's network namespace
 * (the test JVM is outside it). Two modes:
 * <ul>
 * <li>{@code load NAME HOST:RPC_PORT:HTTP_PORT...}: callers call {@code Handler.Execute} through
 * one template over every replica, with short deadlines, until standard input closes (or a time
 * cap); about once a second a line {@code report ok=N failed=M timeouts=T connection=C other=O
 * HOST=COUNT...}, COUNT being the replica's {@code rpc_server_requests_seconds_count} from its
 * scrape, or -1 when the scrape failed.</li>
 * <li>{@code raw HOST:PORT}: one plain socket; a call answered ({@code answered}), then on the
 * line {@code go} a second call written, and its fate ({@code silent}: nothing, neither a reply
 * nor an end of stream nor a reset, within two seconds); then on the line {@code heal}, its fate
 * again (waiting up to 60 s).</li>
 * </ul>
 */
public final class FleetProbe {

	static final int CALLERS = 16;

	static final Duration DEADLINE = Duration.ofMillis(500);

	/** Bounds of the load, whatever the test does: the test ends it long before. */
	static final Duration MAX_TIME = Duration.ofMinutes(10);

	static final long MAX_CALLS = 50_000_000;

	private static final String HELLO = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"raw\"}],\"id\":1}\n";

	private FleetProbe() {
	}

	public static void main(String[] args) throws Exception {
		if ("raw".equals(args[0])) {
			raw(args[1]);
		}
		else {
			load(args[1], List.of(args).subList(2, args.length));
		}
	}

	private static void load(String name, List<String> replicas) throws Exception {
		List<InetSocketAddress> addresses = new ArrayList<>();
		List<URI> scrapes = new ArrayList<>();
		List<String> hosts = new ArrayList<>();
		for (String replica : replicas) {
			String[] parts = replica.split(":");
			hosts.add(parts[0]);
			addresses.add(new InetSocketAddress(parts[0], Integer.parseInt(parts[1])));
			scrapes.add(URI.create("http://" + parts[0] + ":" + parts[2] + "/actuator/prometheus"));
		}
		AtomicLong ok = new AtomicLong();
		AtomicLong timeouts = new AtomicLong();
		AtomicLong connection = new AtomicLong();
		AtomicLong other = new AtomicLong();
		AtomicLong calls = new AtomicLong();
		AtomicBoolean stop = new AtomicBoolean();
		long end = System.nanoTime() + MAX_TIME.toNanos();
		RpcTemplate rpc = new RpcTemplateBuilder().addresses(name, () -> addresses)
			.timeout(DEADLINE)
			.maxConsecutiveTimeouts(3)
			.keepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 2)
			.reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
			.build();
		ThreadFactory threads = FleetIT.callerThreads();
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < CALLERS; i++) {
			Thread caller = threads.newThread(() -> {
				while (!stop.get() && System.nanoTime() < end && calls.incrementAndGet() <= MAX_CALLS) {
					try {
						rpc.call("Handler.Execute", new Handler.Request("probe"), Handler.Response.class);
						ok.incrementAndGet();
					}
					catch (RpcTimeoutException ex) {
						timeouts.incrementAndGet();
					}
					catch (RpcConnectionException ex) {
						connection.incrementAndGet();
					}
					catch (RuntimeException ex) {
						other.incrementAndGet();
						System.out.println("other failure: " + ex);
					}
				}
			});
			caller.start();
			callers.add(caller);
		}
		// The test ends the probe by closing its standard input.
		Thread stdin = new Thread(() -> {
			try {
				while (System.in.read() >= 0) {
					// nothing to read but the end
				}
			}
			catch (IOException ex) {
				// ended all the same
			}
			stop.set(true);
		});
		stdin.setDaemon(true);
		stdin.start();
		HttpClient http = HttpClient.newBuilder().connectTimeout(DEADLINE).executor(Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task);
			thread.setDaemon(true);
			return thread;
		})).build();
		while (!stop.get() && System.nanoTime() < end) {
			List<CompletableFuture<Long>> counts = new ArrayList<>();
			for (URI scrape : scrapes) {
				counts.add(http.sendAsync(HttpRequest.newBuilder(scrape).timeout(DEADLINE).build(),
						HttpResponse.BodyHandlers.ofString())
					.thenApply((response) -> FleetIT.requestCount(response.body()))
					.exceptionally((ex) -> -1L));
			}
			StringBuilder line = new StringBuilder("report ok=" + ok.get() + " failed="
					+ (timeouts.get() + connection.get() + other.get()) + " timeouts=" + timeouts.get() + " connection="
					+ connection.get() + " other=" + other.get());
			for (int i = 0; i < scrapes.size(); i++) {
				line.append(' ').append(hosts.get(i)).append('=').append(counts.get(i).get(5, TimeUnit.SECONDS));
			}
			System.out.println(line);
			Thread.sleep(1000);
		}
		stop.set(true);
		for (Thread caller : callers) {
			caller.join(10_000);
		}
		rpc.close();
		System.out.println("end");
		System.exit(0);
	}

	private static void raw(String address) throws Exception {
		String[] parts = address.split(":");
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		try (Socket socket = new Socket(parts[0], Integer.parseInt(parts[1]))) {
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			OutputStream out = socket.getOutputStream();
			out.write(HELLO.getBytes(StandardCharsets.UTF_8));
			out.flush();
			System.out.println("answered " + in.readLine());
			if (!"go".equals(commands.readLine())) {
				return;
			}
			out.write(HELLO.getBytes(StandardCharsets.UTF_8));
			out.flush();
			// A reply, an end of stream or a reset on loopback comes at once; two seconds of nothing is silence.
			socket.setSoTimeout(2000);
			System.out.println(fate(in));
			if (!"heal".equals(commands.readLine())) {
				return;
			}
			socket.setSoTimeout(60_000);
			System.out.println(fate(in));
		}
	}

	private static String fate(BufferedReader in) {
		try {
			String line = in.readLine();
			return (line != null) ? "answered " + line : "end of stream";
		}
		catch (SocketTimeoutException ex) {
			return "silent";
		}
		catch (IOException ex) {
			return "broken " + ex.getMessage();
		}
	}

}
