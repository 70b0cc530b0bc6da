package io.hellorpc.jsonrpc.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.support.Listeners;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestCertificates;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What a template must survive: user code that throws, many templates, closing in the middle of
 * things, and peers that never answer or never read. Each hang is guarded by
 * {@code assertTimeoutPreemptively} (a guard against hanging the run, not a speed bound).
 */
class RpcTemplateRobustnessTests {

	/** Only the guard against a hang: a correct template ends each of these in well under it. */
	private static final Duration HANG_GUARD = Duration.ofSeconds(60);

	private static RpcTemplateBuilder builder(int port) {
		return new RpcTemplateBuilder().address("127.0.0.1", port).timeout(Duration.ofSeconds(30));
	}

	// 1. Deadlines survive user code that throws

	@Test
	void deadlinesOfLaterCallsSurviveAnExecutorThatThrows() {
		try (RunningServer server = RunningServer.start()) {
			int port = server.port();
			TestServices.Sleeper sleeper = server.bean(TestServices.Sleeper.class);
			AtomicInteger thrown = new AtomicInteger();
			Executor throwing = (task) -> {
				thrown.incrementAndGet();
				throw new IllegalStateException("boom");
			};
			try (RpcTemplate rpc = builder(port).executor(throwing).build()) {
				assertTimeoutPreemptively(HANG_GUARD, () -> {
					// A reply comes, and the executor throws when asked to complete its future.
					rpc.callAsync("Handler.Execute", new Request("x"), Response.class);
					await().until(() -> thrown.get() >= 1);
					// A deadline passes, and the executor throws again when asked to complete that future.
					rpc.callAsync("Slow.Hold", "held", String.class, Duration.ofMillis(200));
					await().until(() -> thrown.get() >= 2);
					// The server holds this call: only its deadline can end it.
					assertThatExceptionOfType(RpcTimeoutException.class)
						.isThrownBy(() -> rpc.call("Slow.Hold", "blocked", String.class, Duration.ofMillis(500)))
						.withMessage("Slow.Hold to 127.0.0.1:" + port + " got no reply within 500 ms");
				});
			}
			finally {
				sleeper.release(2);
			}
		}
	}

	// 2. Shared I/O threads

	private static Map<Long, String> rpcClientThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("rpc-client"))
			.collect(Collectors.toMap(Thread::getId, Thread::getName));
	}

	@Test
	void templatesBuiltByHandShareTheProcessWideIoThreads() {
		try (RunningServer server = RunningServer.start()) {
			Set<Long> before = rpcClientThreads().keySet();
			List<RpcTemplate> templates = new ArrayList<>();
			try {
				for (int i = 0; i < 32; i++) {
					RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", server.port()).build();
					templates.add(rpc);
					assertThat(rpc.call("Handler.Execute", new Request("t" + i), Response.class)).isEqualTo(new Response("Hello t" + i));
				}
				Map<Long, String> now = rpcClientThreads();
				List<String> added = now.entrySet()
					.stream()
					.filter((thread) -> !before.contains(thread.getKey()))
					.map(Map.Entry::getValue)
					.toList();
				// No thread of a template's own: only the shared I/O threads (one per CPU at most), the deadline
				// timer, the sweeper of overdue calls and the process's few name resolvers.
				assertThat(added).allMatch((name) -> name.matches(
						"rpc-client-shared-[-\\d]+|rpc-client-deadlines-[-\\d]+|rpc-client-overdue-calls|rpc-client-resolver-[-\\d]+"));
				assertThat(now.values().stream().filter((name) -> name.matches("rpc-client-shared-[-\\d]+")))
					.hasSizeLessThanOrEqualTo(Runtime.getRuntime().availableProcessors());
				assertThat(now.values().stream().filter((name) -> name.matches("rpc-client-resolver-[-\\d]+")))
					.hasSizeLessThanOrEqualTo(CallRouter.RESOLVER_THREADS);
			}
			finally {
				templates.forEach(RpcTemplate::close);
			}
		}
	}

	@Test
	void closingOneTemplateBuiltByHandLeavesAnotherWorking() {
		try (RunningServer server = RunningServer.start();
				RpcTemplate other = new RpcTemplateBuilder().address("127.0.0.1", server.port()).build()) {
			RpcTemplate closed = new RpcTemplateBuilder().address("127.0.0.1", server.port()).build();
			assertThat(closed.call("Handler.Execute", new Request("a"), Response.class)).isEqualTo(new Response("Hello a"));
			assertThat(other.call("Handler.Execute", new Request("b"), Response.class)).isEqualTo(new Response("Hello b"));
			closed.close();
			assertThat(other.call("Handler.Execute", new Request("c"), Response.class)).isEqualTo(new Response("Hello c"));
			assertThat(other.callAsync("Handler.Execute", new Request("d"), Response.class))
				.succeedsWithin(Duration.ofSeconds(30))
				.isEqualTo(new Response("Hello d"));
			try (RpcTemplate later = new RpcTemplateBuilder().address("127.0.0.1", server.port()).build()) {
				assertThat(later.call("Handler.Execute", new Request("e"), Response.class)).isEqualTo(new Response("Hello e"));
			}
		}
	}

	@Test
	void aCallOnATemplateWhoseGivenIoThreadsWereClosedFailsAtOnce() {
		try (RunningServer server = RunningServer.start()) {
			RpcClientResources resources = new RpcClientResources(1);
			try (RpcTemplate rpc = builder(server.port()).timeout(Duration.ofMinutes(5)).resources(resources).build()) {
				resources.close();
				assertTimeoutPreemptively(HANG_GUARD, () -> {
					assertThatExceptionOfType(RpcConnectionException.class)
						.isThrownBy(() -> rpc.call("Handler.Execute", new Request("x"), Response.class))
						.withMessageContaining("I/O threads")
						.withMessageContaining("closed");
					assertThat(rpc.callAsync("Handler.Execute", new Request("y"), Response.class))
						.failsWithin(Duration.ofSeconds(30))
						.withThrowableOfType(ExecutionException.class)
						.havingCause()
						.isInstanceOf(RpcConnectionException.class)
						.withMessageContaining("I/O threads")
						.withMessageContaining("closed");
				});
			}
		}
	}

	// 3. Closed state

	/** Reads what the peer sends until it closes: {@code true} on EOF or a reset, {@code false} if it stays open 30 s. */
	private static boolean closedByPeer(Socket socket) throws IOException {
		socket.setSoTimeout(30_000);
		InputStream in = socket.getInputStream();
		byte[] buffer = new byte[4096];
		try {
			while (in.read(buffer) >= 0) {
				// the rest of the TLS hello
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true; // reset
		}
	}

	@Test
	void closingDuringTheTlsHandshakeFailsTheCallAndLeavesNoSocketOpen() throws Exception {
		try (RpcClientResources resources = new RpcClientResources(1); ServerSocket peer = Listeners.loopback()) {
			int port = peer.getLocalPort();
			RpcTemplate rpc = builder(port).ssl(TestCertificates.bundle(null, null))
				.connectTimeout(Duration.ofMinutes(5))
				.timeout(Duration.ofMinutes(5))
				.resources(resources)
				.build();
			CompletableFuture<Response> call = rpc.callAsync("Handler.Execute", new Request("x"), Response.class);
			try (Socket accepted = peer.accept()) {
				// The template is in its handshake: it sent its TLS hello, and no answer ever comes.
				assertThat(accepted.getInputStream().read()).isEqualTo(0x16);
				rpc.close();
				assertThat(call).failsWithin(Duration.ofSeconds(30))
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(RpcConnectionException.class)
					.withMessage("RpcTemplate for 127.0.0.1:" + port + " is closed");
				assertThat(closedByPeer(accepted)).as("the template's socket is closed once the template is").isTrue();
			}
		}
	}

	@Test
	void callsRacingCloseCompleteOrFailAsClosedAndLeaveNoConnection() {
		int threads = 8;
		int callsEach = 200;
		try (RunningServer server = RunningServer.start(); RpcClientResources resources = new RpcClientResources(2)) {
			RpcServer listener = server.bean(RpcServer.class);
			String closedSentence = "RpcTemplate for 127.0.0.1:" + server.port() + " is closed";
			for (int round = 0; round < 12; round++) {
				// Two rounds in three close while the first connection is being opened (a short window, so
				// tried often), the others once calls flow on it.
				boolean whileConnecting = (round % 3 != 0);
				RpcTemplate rpc = builder(server.port()).resources(resources).build();
				AtomicInteger made = new AtomicInteger();
				AtomicInteger answered = new AtomicInteger();
				AtomicInteger failedAsClosed = new AtomicInteger();
				List<Throwable> wrong = new CopyOnWriteArrayList<>();
				List<Thread> callers = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					String name = "r" + round + "t" + t;
					Thread caller = new Thread(() -> {
						for (int i = 0; i < callsEach; i++) {
							made.incrementAndGet();
							try {
								Response response = (i % 2 == 0) ? rpc.call("Handler.Execute", new Request(name), Response.class)
										: rpc.callAsync("Handler.Execute", new Request(name), Response.class).join();
								if (response.equals(new Response("Hello " + name))) {
									answered.incrementAndGet();
								}
								else {
									wrong.add(new AssertionError("wrong reply " + response));
								}
							}
							catch (RuntimeException ex) {
								Throwable cause = (ex instanceof java.util.concurrent.CompletionException) ? ex.getCause() : ex;
								if (cause instanceof RpcConnectionException && closedSentence.equals(cause.getMessage())) {
									failedAsClosed.incrementAndGet();
								}
								else {
									wrong.add(cause);
								}
							}
						}
					}, "racer-" + name);
					callers.add(caller);
				}
				assertTimeoutPreemptively(HANG_GUARD, () -> {
					callers.forEach(Thread::start);
					if (whileConnecting) {
						// Spun, not polled: the first call is opening the connection right now.
						while (made.get() == 0) {
							Thread.onSpinWait();
						}
					}
					else {
						await().until(() -> answered.get() >= threads * callsEach / 4);
					}
					rpc.close();
					for (Thread caller : callers) {
						caller.join();
					}
				});
				assertThat(wrong).isEmpty();
				assertThat(answered.get() + failedAsClosed.get()).isEqualTo(threads * callsEach);
				int closedRound = round;
				await().untilAsserted(() -> assertThat(listener.activity().openConnections())
					.as("the server's open connections after round %d (closed %s)", closedRound,
							whileConnecting ? "while connecting" : "while calls flow")
					.isZero());
			}
		}
	}

	// 4. Bounded

	@Test
	void pastMaxPendingCallsACallFailsAtOnceUntilTheWaitingOnesSettle() {
		try (RunningServer server = RunningServer.start()) {
			int port = server.port();
			TestServices.Sleeper sleeper = server.bean(TestServices.Sleeper.class);
			try (RpcTemplate rpc = builder(port).maxPendingCalls(4).build()) {
				List<CompletableFuture<String>> held = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					held.add(rpc.callAsync("Slow.Hold", "h" + i, String.class, Duration.ofSeconds(5)));
				}
				String limit = "RpcTemplate for 127.0.0.1:" + port
						+ " already waits for 4 replies, the limit of rpc.client.max-pending-calls";
				CompletableFuture<String> fifth = rpc.callAsync("Slow.Hold", "h4", String.class, Duration.ofSeconds(5));
				// Failed at once: already completed when callAsync returns, nothing waited.
				assertThat(fifth).isCompletedExceptionally();
				assertThat(fifth).failsWithin(Duration.ZERO)
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(RpcException.class)
					.withMessage(limit);
				assertThatExceptionOfType(RpcException.class)
					.isThrownBy(() -> rpc.call("Handler.Execute", new Request("x"), Response.class))
					.withMessage(limit);
				for (CompletableFuture<String> call : held) {
					assertThat(call).failsWithin(Duration.ofMinutes(1))
						.withThrowableOfType(ExecutionException.class)
						.havingCause()
						.isInstanceOf(RpcTimeoutException.class);
				}
				// The waiting ones settled: calls are taken again.
				assertThat(rpc.call("Handler.Execute", new Request("again"), Response.class)).isEqualTo(new Response("Hello again"));
			}
			finally {
				sleeper.release(5);
			}
		}
	}

	/** Bytes in Netty's buffers of the default allocator (the one the template's channel writes with). */
	private static long nettyBytes() {
		var metric = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
		return metric.usedDirectMemory() + metric.usedHeapMemory();
	}

	@Test
	void againstAPeerThatNeverReadsTheBytesHeldInNettyStayBounded() throws Exception {
		int calls = 2000;
		String param = "x".repeat(64 * 1024);
		long bound = 32L * 1024 * 1024;
		try (ServerSocket peer = Listeners.loopback()) {
			// Far more calls may wait than are sent: the bound proven is the write side's, not this one.
			RpcTemplate rpc = builder(peer.getLocalPort()).maxPendingCalls(100_000).timeout(Duration.ofMinutes(5)).build();
			rpc.callAsync("Handler.Note", "first", String.class);
			try (Socket accepted = peer.accept()) {
				// The peer never reads: what the kernel's buffers cannot take stays in the client.
				long baseline = nettyBytes();
				AtomicLong peak = new AtomicLong();
				List<CompletableFuture<String>> sent = new ArrayList<>();
				for (int i = 0; i < calls; i++) {
					sent.add(rpc.callAsync("Handler.Note", param, String.class));
					if (i % 50 == 0) {
						peak.accumulateAndGet(nettyBytes() - baseline, Math::max);
					}
				}
				// Whatever the client will write on its own it writes in this while: sampled throughout.
				await().pollInterval(Duration.ofMillis(50)).during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> {
					peak.accumulateAndGet(nettyBytes() - baseline, Math::max);
					return true;
				});
				assertThat(peak.get()).as("bytes held in the buffers of %s past the socket",
						ByteBufAllocator.DEFAULT.getClass().getSimpleName()).isLessThan(bound);
				assertThat(sent).noneMatch(CompletableFuture::isDone);
			}
			finally {
				rpc.close();
			}
		}
	}


	@Test
	void requestsOfCallsThatTimedOutUnwrittenNoLongerTakeTheRoomOfNewOnes() throws Exception {
		String param = "x".repeat(8 * 1024 * 1024);
		try (ServerSocket peer = Listeners.loopback()) {
			RpcTemplate rpc = builder(peer.getLocalPort()).maxPendingCalls(4).timeout(Duration.ofSeconds(1)).build();
			try {
				List<CompletableFuture<String>> stuck = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					stuck.add(rpc.callAsync("Handler.Note", param, String.class));
				}
				try (Socket accepted = peer.accept()) {
					// The peer never reads: the first request fills the socket, the others wait to be written, and all time out.
					for (CompletableFuture<String> call : stuck) {
						assertThat(call).failsWithin(HANG_GUARD).withThrowableThat().havingCause().isInstanceOf(RpcTimeoutException.class);
					}
					// The first request left the queue for the socket: one more call fills it again, and times out unwritten too.
					assertThat(rpc.callAsync("Handler.Note", "fills", String.class)).failsWithin(HANG_GUARD)
						.withThrowableThat()
						.havingCause()
						.isInstanceOf(RpcTimeoutException.class);
					// Still unwritten, their requests must not fill the queue for good: a new call soon gets in and waits its deadline.
					await().untilAsserted(() -> assertThat(rpc.callAsync("Handler.Note", "small", String.class))
						.failsWithin(HANG_GUARD)
						.withThrowableThat()
						.havingCause()
						.isInstanceOf(RpcTimeoutException.class));
				}
			}
			finally {
				rpc.close();
			}
		}
	}

}
