package io.hellorpc.hello.server;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;

import io.hellorpc.jsonrpc.client.RpcBatch;
import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.Json2Peers;
import io.hellorpc.jsonrpc.support.PeerServer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * JSON-RPC 2.0 with independent peers: npm's jayson (TCP client against hello-server, TCP server
 * called by RpcTemplate) and Debian's python3-aiorpcx (newline framing) against hello-server; and
 * Go's own client, to show the 1.0 dialect did not move.
 */
@SpringBootTest(properties = { "rpc.server.port=0", "rpc.server.host=127.0.0.1", "spring.main.web-application-type=none" })
class JsonRpc2InteropTests {

	@Value("${local.rpc.port}")
	private int port;

	@Autowired
	private MeterRegistry meters;

	@Test
	void jaysonsTcpClientCallsHelloServerAndItsNotificationsRunUnanswered() {
		double notificationsBefore = notifications();
		long executedBefore = executedInJsonRpc2();
		ProcessResult result = Json2Peers.jayson("client", String.valueOf(this.port));
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		assertThat(result.stderr()).isEmpty();
		// No b2 in the batch's reply, and nothing at all on the notification's own connection.
		assertThat(result.stdout()).isEqualTo("""
				call: {"Message":"Hello jayson"} (jsonrpc 2.0)
				named params: {"Message":"Hello named"} (jsonrpc 2.0)
				error object: error -32000 A name must be specified
				unknown method: error -32601 rpc: can't find method Handler.Nope
				batch with a notification: b1={"Message":"Hello b1"}; b3={"Message":"Hello b3"}
				notification: sent, nothing came back
				""");
		// Both notifications (b2 in the batch, n alone) ran, and ran Handler.Execute to success:
		// jayson, named, b1, b2, b3, n.
		await().untilAsserted(() -> {
			assertThat(notifications() - notificationsBefore).isEqualTo(2);
			assertThat(executedInJsonRpc2() - executedBefore).isEqualTo(6);
		});
	}

	@Test
	void aiorpcxClientCallsHelloServerWithNewlineFraming() {
		double notificationsBefore = notifications();
		long executedBefore = executedInJsonRpc2();
		ProcessResult result = Json2Peers.aiorpcx(this.port);
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		// aiorpcx logs a reply it did not ask for (one to a notification) on stderr.
		assertThat(result.stderr()).isEmpty();
		// Both notifications (notified, b2 in the batch) ran: aiorpcx, named, notified, b1, b2, b3, again.
		await().untilAsserted(() -> {
			assertThat(notifications() - notificationsBefore).isEqualTo(2);
			assertThat(executedInJsonRpc2() - executedBefore).isEqualTo(7);
		});
		assertThat(result.stdout()).isEqualTo("""
				call: Hello aiorpcx
				named params: Hello named
				error object: -32000 A name must be specified
				unknown method: -32601 rpc: can't find method Handler.Nope
				batch: ['Hello b1', 'Hello b3']
				after: Hello again
				""");
	}

	@Test
	void rpcTemplateInJsonRpc2CallsJaysonsTcpServer() throws Exception {
		Queue<String> jaysonOutput = new ConcurrentLinkedQueue<>();
		try (PeerServer jayson = Json2Peers.jaysonServer(jaysonOutput::add);
				RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", jayson.port())
					.protocol(RpcProtocol.JSON_RPC_2)
					.timeout(Duration.ofSeconds(20))
					.build()) {
			assertThat(rpc.call("Handler.Execute", new Handler.Request("ciro"), Handler.Response.class))
				.isEqualTo(new Handler.Response("Hello ciro"));
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Handler.Request(""), Handler.Response.class))
				.withMessage("A name must be specified")
				.satisfies((ex) -> {
					assertThat(ex.getCode()).isEqualTo(4000);
					assertThat(ex.getData()).isEqualTo(Map.of("field", "Name"));
				});
			RpcBatch batch = rpc.batch();
			CompletableFuture<Handler.Response> first = batch.call("Handler.Execute", new Handler.Request("one"),
					Handler.Response.class);
			CompletableFuture<Handler.Response> second = batch.call("Handler.Execute", new Handler.Request(""),
					Handler.Response.class);
			batch.notification("Handler.Note", "in a batch");
			batch.send();
			assertThat(first).succeedsWithin(Duration.ofSeconds(20)).isEqualTo(new Handler.Response("Hello one"));
			assertThat(second).failsWithin(Duration.ofSeconds(20))
				.withThrowableOfType(ExecutionException.class)
				.havingCause()
				.isInstanceOf(RpcRemoteException.class);
			rpc.sendNotification("Handler.Note", "alone");
			// replies written back to back on one connection are read apart
			assertThat(rpc.call("Handler.Execute", new Handler.Request("after"), Handler.Response.class))
				.isEqualTo(new Handler.Response("Hello after"));
			// jayson's Handler.Note prints what it was called with: both notifications reached it.
			await().untilAsserted(() -> assertThat(jaysonOutput).containsExactlyInAnyOrder("note: [\"in a batch\"]",
					"note: [\"alone\"]"));
		}
	}

	@Test
	void gosClientStillSpeaksTheGoDialect() {
		ProcessResult result = GoPeer.run(60, "-mode=check", "-addr=127.0.0.1:" + this.port);
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		assertThat(result.stderr()).isEmpty();
		assertThat(result.stdout()).isEqualTo("""
				hello: Hello ciro
				empty-name: error: A name must be specified
				unknown-method: error: rpc: can't find method Handler.Nope
				unknown-service: error: rpc: can't find service Nope.Execute
				after-errors: Hello again
				concurrent: 200/200 right\s
				""");
	}

	private double notifications() {
		return this.meters.get("rpc.server.notifications").counter().count();
	}

	/** Handler.Execute calls in JSON-RPC 2.0 the server ran to success. */
	private long executedInJsonRpc2() {
		Timer timer = this.meters.find("rpc.server.requests")
			.tags("rpc.service", "Handler", "rpc.method", "Execute", "rpc.jsonrpc.version", "2.0", "outcome", "SUCCESS")
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

}
