package io.hellorpc.jsonrpc.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.support.Listeners;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a server says when it refuses a message or a connection (a reply with {@code "id":null} and
 * an error) reaches the caller in the server's own words, instead of a bare "connection closed" or
 * a timeout.
 */
class RpcTemplateServerRefusalTests {

	private static final String HELLO = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":0}\n";

	/** A deadline no run comes near: what ends a call below is the server's answer, never its deadline. */
	private static RpcTemplate template(int port, RpcProtocol protocol) {
		return new RpcTemplateBuilder().address("127.0.0.1", port).protocol(protocol).timeout(Duration.ofMinutes(1)).build();
	}

	@Test
	void aMessageOverTheServersLimitFailsWithTheServersSentenceNamingTheLimit() {
		try (RunningServer server = RunningServer.start("rpc.server.max-message-size=64B");
				RpcTemplate rpc = template(server.port(), RpcProtocol.GO)) {
			assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request("x".repeat(4096)), Response.class))
				.withMessage("the server at 127.0.0.1:" + server.port() + " answered: "
						+ "jsonrpc: message too large: the limit is 64 bytes (rpc.server.max-message-size)");
		}
	}

	@Test
	void aConnectionOverTheServersMaximumFailsTheCallWithTheServersSentence() {
		try (RunningServer server = RunningServer.start("rpc.server.max-connections=1");
				RawConnection first = server.connect();
				RpcTemplate rpc = template(server.port(), RpcProtocol.GO)) {
			// Served, so it holds the only slot before the template connects.
			first.send(HELLO);
			assertThat(first.readLine()).contains("Hello ciro");
			assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request("x"), Response.class))
				.withMessage("the server at 127.0.0.1:" + server.port() + " answered: "
						+ "jsonrpc: too many connections: the limit is 1 (rpc.server.max-connections)");
		}
	}

	@Test
	void aJsonRpc2ErrorWithANullIdFailsEveryPendingCallWithTheServersMessage() throws Exception {
		try (ServerSocket peer = Listeners.loopback(); RpcTemplate rpc = template(peer.getLocalPort(), RpcProtocol.JSON_RPC_2)) {
			CompletableFuture<Response> first = rpc.callAsync("Handler.Execute", new Request("one"), Response.class);
			CompletableFuture<Response> second = rpc.callAsync("Handler.Execute", new Request("two"), Response.class);
			try (Socket connection = peer.accept()) {
				connection.setSoTimeout(10_000);
				BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8));
				// Both calls are on the wire, waiting, when the peer says it could not parse what came.
				assertThat(in.readLine()).contains("\"Name\":\"one\"");
				assertThat(in.readLine()).contains("\"Name\":\"two\"");
				OutputStream out = connection.getOutputStream();
				out.write("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error: boom\"}}\n"
					.getBytes(StandardCharsets.UTF_8));
				out.flush();
				// The peer keeps the connection open: the answer alone ends both calls (their deadline is a minute away).
				for (CompletableFuture<Response> call : java.util.List.of(first, second)) {
					assertThat(call).failsWithin(Duration.ofMinutes(2))
						.withThrowableOfType(ExecutionException.class)
						.havingCause()
						.isInstanceOf(RpcConnectionException.class)
						.withMessage("the server at 127.0.0.1:" + peer.getLocalPort() + " answered: Parse error: boom");
				}
			}
		}
	}

}
