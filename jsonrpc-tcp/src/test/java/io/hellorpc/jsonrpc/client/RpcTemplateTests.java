package io.hellorpc.jsonrpc.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.hellorpc.jsonrpc.support.Listeners;
import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.support.RefusingPort;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestCertificates;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.util.internal.ThreadExecutorMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** RpcTemplate against a real server (and against hand-made ones where the server must misbehave). */
class RpcTemplateTests {

	private static RpcTemplate template(int port) {
		return new RpcTemplateBuilder().address("127.0.0.1", port).timeout(Duration.ofSeconds(5)).build();
	}

	@Test
	void callReturnsTheConvertedResult() {
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			assertThat(rpc.call("Handler.Execute", new Request("ciro"), Response.class)).isEqualTo(new Response("Hello ciro"));
		}
	}

	@Test
	void theServersErrorTextBecomesTheExceptionMessage() {
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request(""), Response.class))
				.withMessage("A name must be specified")
				.satisfies((ex) -> assertThat(ex.getMethod()).isEqualTo("Handler.Execute"));
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc.call("Handler.Nope", new Request("x"), Response.class))
				.withMessage("rpc: can't find method Handler.Nope");
		}
	}

	@Test
	void genericResultTypesAreReadThroughParameterizedTypeReference() {
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			List<Integer> sum = rpc.call("Handler.Sum", List.of(1, 2, 39), new ParameterizedTypeReference<List<Integer>>() {
			});
			assertThat(sum).containsExactly(42);
		}
	}

	@Test
	void concurrentCallsShareOneConnection() {
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			List<CompletableFuture<Response>> calls = IntStream.range(0, 200)
				.mapToObj((i) -> rpc.callAsync("Handler.Execute", new Request("n" + i), Response.class))
				.toList();
			for (int i = 0; i < calls.size(); i++) {
				assertThat(calls.get(i).join()).isEqualTo(new Response("Hello n" + i));
			}
			assertThat(server.bean(RpcServer.class).activity().openConnections()).isEqualTo(1);
		}
	}

	@Test
	void aCallPastItsTimeoutFailsLeavesNoTraceAndItsLateReplyIsDiscarded() {
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			TestServices.Sleeper sleeper = server.bean(TestServices.Sleeper.class);
			RpcServer listener = server.bean(RpcServer.class);
			// Connected first, so that the held calls below are written long before their deadline even on a
			// loaded machine (a call whose deadline passes before it is written is never sent).
			assertThat(rpc.call("Handler.Execute", new Request("warm"), Response.class)).isEqualTo(new Response("Hello warm"));
			// Held by the server until after the deadline: no clock race decides the outcome.
			assertThatExceptionOfType(RpcTimeoutException.class)
				.isThrownBy(() -> rpc.call("Slow.Hold", "late", String.class, Duration.ofMillis(1000)))
				.withMessage("Slow.Hold to 127.0.0.1:" + server.port() + " got no reply within 1000 ms");
			assertThat(rpc.pendingCalls()).isZero();
			// The server's call is held at the gate, so no reply can have come: the deadline ended the wait.
			await().until(() -> sleeper.running() == 1);
			CompletableFuture<String> async = rpc.callAsync("Slow.Hold", "late too", String.class, Duration.ofMillis(1000));
			assertThat(async).failsWithin(Duration.ofSeconds(30))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(RpcTimeoutException.class)
				.withMessage("Slow.Hold to 127.0.0.1:" + server.port() + " got no reply within 1000 ms");
			await().until(() -> sleeper.running() == 2);
			assertThat(rpc.pendingCalls()).isZero();
			sleeper.release(2);
			// Both late replies are written (the server has no call left) before the next call is made.
			await().until(() -> listener.activity().callsInFlight() == 0);
			assertThat(rpc.call("Handler.Execute", new Request("next"), Response.class)).isEqualTo(new Response("Hello next"));
			assertThat(rpc.pendingCalls()).isZero();
		}
	}

	@Test
	void aBlockingCallInsideACallbackCompletesAndTheTemplateKeepsWorking() {
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			CompletableFuture<Response> nested = rpc.callAsync("Handler.Execute", new Request("a"), Response.class)
				.thenApply((first) -> rpc.call("Handler.Execute", new Request(first.message()), Response.class));
			assertThat(nested).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(new Response("Hello Hello a"));
			assertThat(rpc.call("Handler.Execute", new Request("after"), Response.class)).isEqualTo(new Response("Hello after"));
		}
	}

	@Test
	void callbacksNeverRunOnAnIoThread() {
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			List<CompletableFuture<Boolean>> onIoThread = IntStream.range(0, 50)
				.mapToObj((i) -> rpc.callAsync("Handler.Execute", new Request("n" + i), Response.class)
					.thenApply((response) -> ThreadExecutorMap.currentExecutor() != null))
				.toList();
			assertThat(onIoThread).allSatisfy((future) -> assertThat(future).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(false));
		}
	}

	@Test
	void aBlockingCallOnAnIoThreadFailsAtOnceInsteadOfHanging() throws Exception {
		EventLoopGroup ioThreads = new DefaultEventLoopGroup(1);
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			Future<Response> onIoThread = ioThreads.submit(() -> rpc.call("Handler.Execute", new Request("x"), Response.class));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> onIoThread.get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(IllegalStateException.class)
				.withMessageContaining("is an I/O thread that must never wait: use callAsync there");
			assertThat(rpc.call("Handler.Execute", new Request("y"), Response.class)).isEqualTo(new Response("Hello y"));
		}
		finally {
			ioThreads.shutdownGracefully(0, 1, TimeUnit.SECONDS);
		}
	}

	/** A TLS template to {@code peer}: connected only once its handshake is done, which this peer never answers. */
	private static RpcTemplate tlsTemplate(ServerSocket peer, Duration connectTimeout) {
		return new RpcTemplateBuilder().address("127.0.0.1", peer.getLocalPort())
			.ssl(TestCertificates.bundle(null, null))
			.connectTimeout(connectTimeout)
			.build();
	}

	@Test
	void theDeadlineCoversConnectingToAPeerThatNeverFinishesTheHandshake() throws Exception {
		try (ServerSocket peer = Listeners.loopback();
				RpcTemplate rpc = tlsTemplate(peer, Duration.ofMinutes(1))) {
			int port = peer.getLocalPort();
			CompletableFuture<Response> async = rpc.callAsync("Handler.Execute", new Request("x"), Response.class,
					Duration.ofMillis(200));
			try (Socket connection = peer.accept()) {
				// The template is still connecting: it has sent its TLS hello (a handshake record) and no answer comes.
				assertThat(connection.getInputStream().read()).isEqualTo(0x16);
				// Each call ends by its own deadline, not by the connect timeout, naming the server still connecting.
				assertThatExceptionOfType(RpcConnectionException.class)
					.isThrownBy(() -> rpc.call("Handler.Execute", new Request("y"), Response.class, Duration.ofMillis(200)))
					.withMessage("cannot reach 127.0.0.1:" + port + " within 200 ms: 127.0.0.1:" + port + " (connecting)");
				assertThat(async).failsWithin(Duration.ofMinutes(1))
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(RpcConnectionException.class)
					.withMessage("cannot reach 127.0.0.1:" + port + " within 200 ms: 127.0.0.1:" + port + " (connecting)");
				assertThat(rpc.pendingCalls()).isZero();
			}
		}
	}

	@Test
	void theConnectTimeoutEndsAHandshakeThatNeverFinishesAndTheFailureNamesIt() throws Exception {
		try (ServerSocket peer = Listeners.loopback();
				RpcTemplate rpc = tlsTemplate(peer, Duration.ofMillis(300))) {
			// Each attempt ends at the connect timeout; the call, at its deadline, says why the last one failed.
			int port = peer.getLocalPort();
			assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request("x"), Response.class, Duration.ofSeconds(2)))
				.withMessageStartingWith("cannot reach 127.0.0.1:" + port + " within 2000 ms: 127.0.0.1:" + port + " (")
				.withMessageContaining("timed out after 300");
			assertThat(rpc.pendingCalls()).isZero();
		}
	}

	@Test
	void anInterruptedCallerStopsWaitingKeepsItsInterruptAndLeavesNoTrace() throws Exception {
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			TestServices.Sleeper sleeper = server.bean(TestServices.Sleeper.class);
			CompletableFuture<Throwable> failure = new CompletableFuture<>();
			CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
			Thread caller = new Thread(() -> {
				try {
					rpc.call("Slow.Hold", "never", String.class, Duration.ofMinutes(5));
				}
				catch (RuntimeException ex) {
					failure.complete(ex);
				}
				stillInterrupted.complete(Thread.currentThread().isInterrupted());
			});
			caller.start();
			await().until(() -> sleeper.running() == 1);
			caller.interrupt();
			assertThat(failure).succeedsWithin(Duration.ofSeconds(10))
				.isInstanceOf(RpcException.class)
				.extracting(Throwable::getMessage)
				.isEqualTo("interrupted while waiting for the reply of Slow.Hold");
			assertThat(stillInterrupted).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(true);
			assertThat(rpc.pendingCalls()).isZero();
			sleeper.release(1);
		}
	}

	@Test
	void closingTheTemplateFailsTheCallsStillWaiting() {
		try (RunningServer server = RunningServer.start()) {
			RpcTemplate rpc = template(server.port());
			CompletableFuture<String> waiting = rpc.callAsync("Slow.Hold", "never", String.class);
			await().until(() -> server.bean(TestServices.Sleeper.class).running() == 1);
			rpc.close();
			assertThat(waiting).failsWithin(Duration.ofSeconds(10))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(RpcConnectionException.class)
				.withMessage("RpcTemplate for 127.0.0.1:" + server.port() + " is closed");
			assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request("x"), Response.class));
			server.bean(TestServices.Sleeper.class).release(1);
		}
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void tenThousandVirtualThreadsShareOneTemplate() throws Exception {
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			ThreadFactory virtual = (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
			AtomicInteger right = new AtomicInteger();
			List<Thread> threads = new ArrayList<>();
			for (int i = 0; i < 10_000; i++) {
				String name = "v" + i;
				Thread thread = virtual.newThread(() -> {
					if (rpc.call("Handler.Execute", new Request(name), Response.class, Duration.ofMinutes(2))
						.equals(new Response("Hello " + name))) {
						right.incrementAndGet();
					}
				});
				threads.add(thread);
				thread.start();
			}
			for (Thread thread : threads) {
				thread.join();
			}
			assertThat(right.get()).isEqualTo(10_000);
			assertThat(server.bean(RpcServer.class).activity().openConnections()).isEqualTo(1);
			assertThat(rpc.pendingCalls()).isZero();
		}
	}

	@Test
	void theNextCallReconnectsAfterTheServerRestarts() {
		RunningServer server = RunningServer.start();
		int port = server.port();
		try (RpcTemplate rpc = template(port)) {
			assertThat(rpc.call("Handler.Execute", new Request("before"), Response.class).message()).isEqualTo("Hello before");
			server.close();
			assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request("down"), Response.class, Duration.ofMillis(500)))
				.withMessage("cannot reach 127.0.0.1:" + port + " within 500 ms: 127.0.0.1:" + port + " (Connection refused)");
			server = RunningServer.start("rpc.server.port=" + port);
			assertThat(rpc.call("Handler.Execute", new Request("after"), Response.class).message()).isEqualTo("Hello after");
		}
		finally {
			server.close();
		}
	}

	@Test
	void aRefusedConnectionNamesTheAddressAndTheCause() {
		try (RefusingPort closed = new RefusingPort(); RpcTemplate rpc = template(closed.port())) {
			int port = closed.port();
			// Refused, the server is tried again in the background until the call's deadline, which then names why.
			assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request("x"), Response.class, Duration.ofMillis(500)))
				.withMessage("cannot reach 127.0.0.1:" + port + " within 500 ms: 127.0.0.1:" + port + " (Connection refused)");
		}
	}

	@Test
	void aReplyForAnUnknownIdIsIgnored() throws Exception {
		try (ServerSocket fake = Listeners.loopback();
				RpcTemplate rpc = template(fake.getLocalPort())) {
			CompletableFuture<Response> call = rpc.callAsync("Handler.Execute", new Request("x"), Response.class);
			try (Socket peer = fake.accept()) {
				String request = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8))
					.readLine();
				assertThat(request).isEqualTo("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"x\"}],\"id\":0}");
				OutputStream out = peer.getOutputStream();
				out.write(("{\"id\":77,\"result\":{\"Message\":\"stray\"},\"error\":null}\n"
						+ "{\"id\":0,\"result\":{\"Message\":\"mine\"},\"error\":null}\n").getBytes(StandardCharsets.UTF_8));
				out.flush();
				assertThat(call.join()).isEqualTo(new Response("mine"));
			}
		}
	}

	@Test
	void callsWaitingWhenTheConnectionDropsFailAtOnce() throws Exception {
		try (ServerSocket fake = Listeners.loopback();
				RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", fake.getLocalPort())
					.timeout(Duration.ofMinutes(5))
					.build()) {
			CompletableFuture<Response> call = rpc.callAsync("Handler.Execute", new Request("x"), Response.class);
			try (Socket peer = fake.accept()) {
				new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8)).readLine();
			}
			// Its deadline is minutes away: what ends it is the drop, as the failure names.
			assertThat(call).failsWithin(Duration.ofMinutes(1))
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.havingCause()
				.isInstanceOf(RpcConnectionException.class)
				.withMessage("connection to 127.0.0.1:" + fake.getLocalPort() + " closed");
		}
	}

	@Test
	void closingTheTemplateClosesItsConnection() {
		try (RunningServer server = RunningServer.start()) {
			RpcTemplate rpc = template(server.port());
			rpc.call("Handler.Execute", new Request("x"), Response.class);
			RpcServer listener = server.bean(RpcServer.class);
			assertThat(listener.activity().openConnections()).isEqualTo(1);
			rpc.close();
			await().until(() -> listener.activity().openConnections() == 0);
		}
	}

}
