package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
		rpc.notify("Handler.Note", "notified");
		await().until(() -> server.bean(TestServices.Handler.class).notes().contains("notified"));
		assertThat(rpc.pendingCalls()).isZero();
	}

	@Test
	void aBatchGoesOutAsOneMessageAndEachCallGetsItsOwnReply() {
		RpcTemplate.Batch batch = rpc.batch();
		CompletableFuture<Response> first = batch.call("Handler.Execute", new Request("one"), Response.class);
		CompletableFuture<Response> second = batch.call("Handler.Execute", new Request("two"), Response.class);
		CompletableFuture<Response> failing = batch.call("Handler.Execute", new Request(""), Response.class);
		batch.notify("Handler.Note", "batched");
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
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> go.notify("Handler.Note", "x"))
				.withMessageContaining("rpc.client.protocol=json-rpc-2");
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(go::batch);
		}
	}

}
