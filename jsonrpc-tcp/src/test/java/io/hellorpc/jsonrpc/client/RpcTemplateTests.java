package io.hellorpc.jsonrpc.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.hellorpc.jsonrpc.server.NettyRpcServer;
import io.hellorpc.jsonrpc.support.RefusingPort;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices.Nap;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.Test;

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
			assertThat(server.bean(NettyRpcServer.class).activity().openConnections()).isEqualTo(1);
		}
	}

	@Test
	void aCallPastItsTimeoutFailsAndItsLateReplyIsDiscarded() {
		try (RunningServer server = RunningServer.start(); RpcTemplate rpc = template(server.port())) {
			assertThatExceptionOfType(RpcTimeoutException.class)
				.isThrownBy(() -> rpc.call("Slow.Sleep", new Nap(600, "late"), String.class, Duration.ofMillis(100)))
				.withMessage("Slow.Sleep to 127.0.0.1:" + server.port() + " got no reply within 100 ms");
			CompletableFuture<String> next = rpc.callAsync("Slow.Sleep", new Nap(900, "next"), String.class);
			assertThat(next.join()).isEqualTo("next");
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
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request("down"), Response.class))
				.withMessage("cannot reach 127.0.0.1:" + port + ": Connection refused");
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
			assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request("x"), Response.class))
				.withMessage("cannot reach 127.0.0.1:" + port + ": Connection refused");
		}
	}

	@Test
	void aReplyForAnUnknownIdIsIgnored() throws Exception {
		try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
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
		try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", fake.getLocalPort())
					.timeout(Duration.ofMinutes(5))
					.build()) {
			CompletableFuture<Response> call = rpc.callAsync("Handler.Execute", new Request("x"), Response.class);
			try (Socket peer = fake.accept()) {
				new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8)).readLine();
			}
			await().atMost(Duration.ofSeconds(5)).until(call::isDone);
			assertThat(call).failsWithin(Duration.ZERO)
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
			NettyRpcServer listener = server.bean(NettyRpcServer.class);
			assertThat(listener.activity().openConnections()).isEqualTo(1);
			rpc.close();
			await().until(() -> listener.activity().openConnections() == 0);
		}
	}

}
