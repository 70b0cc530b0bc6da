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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.hellorpc.jsonrpc.support.Listeners;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** RpcTemplate speaking JSON-RPC 2.0 to our server: calls, error objects, notifications, batches. */
class RpcTemplateJsonRpc2Tests {

	private static RunningServer server;

	private static RpcTemplate rpc;

	@BeforeAll
	static void start() {
		server = RunningServer.start();
		rpc = new RpcTemplateBuilder().address("127.0.0.1", server.port())
			.protocol(RpcProtocol.JSON_RPC_2)
			.timeout(Duration.ofSeconds(10))
			.build();
	}

	@AfterAll
	static void stop() {
		rpc.close();
		server.close();
	}

	@Test
	void callsWorkAsInGosDialect() {
		assertThat(rpc.call("Handler.Execute", new Request("two"), Response.class)).isEqualTo(new Response("Hello two"));
		assertThat(rpc.callAsync("Handler.Execute", new Request("async"), Response.class))
			.succeedsWithin(Duration.ofSeconds(10))
			.isEqualTo(new Response("Hello async"));
	}

	@Test
	void anErrorObjectBecomesARemoteExceptionWithCodeAndData() {
		assertThatExceptionOfType(RpcRemoteException.class)
			.isThrownBy(() -> rpc.call("Handler.Refuse", "busy", String.class))
			.withMessage("refused")
			.satisfies((ex) -> {
				assertThat(ex.getCode()).isEqualTo(4001);
				assertThat(ex.getData()).isEqualTo(Map.of("reason", "busy"));
			});
		assertThatExceptionOfType(RpcRemoteException.class)
			.isThrownBy(() -> rpc.call("Handler.Nope", "x", String.class))
			.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(-32601));
	}

	@Test
	void aNotificationRunsOnTheServerAndNothingWaitsForAReply() {
		rpc.sendNotification("Handler.Note", "notified");
		await().until(() -> server.bean(TestServices.Handler.class).notes().contains("notified"));
		assertThat(rpc.pendingCalls()).isZero();
	}

	@Test
	void aBatchGoesOutAsOneJsonArrayHoldingEveryCallAndNotification() throws Exception {
		try (ServerSocket peer = Listeners.loopback();
				RpcTemplate template = new RpcTemplateBuilder().address("127.0.0.1", peer.getLocalPort())
					.protocol(RpcProtocol.JSON_RPC_2)
					.timeout(Duration.ofMinutes(1))
					.build()) {
			RpcBatch batch = template.batch();
			CompletableFuture<Response> first = batch.call("Handler.Execute", new Request("one"), Response.class);
			CompletableFuture<Response> second = batch.call("Handler.Execute", new Request("two"), Response.class);
			batch.notification("Handler.Note", "batched");
			batch.send();
			try (Socket connection = peer.accept()) {
				connection.setSoTimeout(10_000);
				String line = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))
					.readLine();
				// The first message the peer gets is the whole batch: one array, each entry a JSON-RPC 2.0 request.
				JsonNode message = JsonMapper.shared().readTree(line);
				assertThat(message.isArray()).as("the batch as one message: %s", line).isTrue();
				assertThat(message.size()).isEqualTo(3);
				List<String> entries = new ArrayList<>();
				for (JsonNode entry : message) {
					assertThat(entry.path("jsonrpc").asString()).isEqualTo("2.0");
					entries.add(entry.path("method").asString() + " " + entry.path("params") + " "
							+ (entry.has("id") ? "call" : "notification"));
				}
				assertThat(entries).containsExactly("Handler.Execute [{\"Name\":\"one\"}] call",
						"Handler.Execute [{\"Name\":\"two\"}] call", "Handler.Note [\"batched\"] notification");
				assertThat(message.get(0).get("id")).isNotEqualTo(message.get(1).get("id"));
				// The reply, in another order, is matched to the calls by id.
				OutputStream out = connection.getOutputStream();
				out.write(("[{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"second\"},\"id\":" + message.get(1).get("id") + "},"
						+ "{\"jsonrpc\":\"2.0\",\"result\":{\"Message\":\"first\"},\"id\":" + message.get(0).get("id") + "}]\n")
					.getBytes(StandardCharsets.UTF_8));
				out.flush();
				assertThat(first).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(new Response("first"));
				assertThat(second).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(new Response("second"));
				assertThat(template.pendingCalls()).isZero();
			}
		}
	}

	@Test
	void aBatchToOurServerGetsEachCallItsOwnReplyAndRunsItsNotification() {
		RpcBatch batch = rpc.batch();
		CompletableFuture<Response> first = batch.call("Handler.Execute", new Request("one"), Response.class);
		CompletableFuture<Response> second = batch.call("Handler.Execute", new Request("two"), Response.class);
		CompletableFuture<Response> failing = batch.call("Handler.Execute", new Request(""), Response.class);
		batch.notification("Handler.Note", "batched");
		batch.send();
		assertThat(first).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(new Response("Hello one"));
		assertThat(second).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(new Response("Hello two"));
		assertThat(failing).failsWithin(Duration.ofSeconds(10))
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(RpcRemoteException.class)
			.withMessage("A name must be specified");
		await().until(() -> server.bean(TestServices.Handler.class).notes().contains("batched"));
		assertThat(rpc.pendingCalls()).isZero();
	}

	@Test
	void gosDialectHasNoNotificationsOrBatches() {
		try (RpcTemplate go = new RpcTemplateBuilder().address("127.0.0.1", server.port()).build()) {
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> go.sendNotification("Handler.Note", "x"))
				.withMessageContaining("rpc.client.protocol=json-rpc-2");
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(go::batch);
		}
	}

}
