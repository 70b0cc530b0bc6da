package io.hellorpc.jsonrpc.client.exchange;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.support.Listeners;
import io.hellorpc.jsonrpc.client.ImportRpcServices;
import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcExchange;
import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcServiceProxyFactory;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.support.RefusingPort;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/** Declarative clients against a real server: the proxy factory, and beans imported per group. */
class RpcExchangeTests {

	/** Named explicitly, one method asynchronous. */
	interface Greeter {

		@RpcExchange("Handler.Execute")
		Response execute(Request request);

		@RpcExchange("Handler.Execute")
		CompletableFuture<Response> executeLater(Request request);

		default String greet(String name) {
			return execute(new Request(name)).message();
		}

	}

	/** Named by convention: the interface is the service, the methods are the methods. */
	interface Handler {

		Response execute(Request request);

		List<Integer> sum(List<Integer> numbers);

		void note(String text);

	}

	/** A notification, asked for explicitly: JSON-RPC 2.0 only. */
	interface Notes {

		@RpcExchange(value = "Handler.Note", notification = true)
		void note(String text);

	}

	/** The service named on the type, the method by its own name. */
	@RpcExchange("Handler")
	interface Adder {

		@RpcExchange("Sum")
		List<Integer> add(List<Integer> numbers);

	}

	interface TwoParams {

		String greet(String first, String second);

	}

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	/** What the server's Handler.Note has received. */
	private static List<String> notes() {
		return server.bean(TestServices.Handler.class).notes();
	}

	private static RpcTemplate template(RpcProtocol protocol) {
		return new RpcTemplateBuilder().address("127.0.0.1", server.port()).protocol(protocol).build();
	}

	@Test
	void aDeclaredMethodCallsTheNamedMethodAndWaitsOrNot() throws Exception {
		try (RpcTemplate rpc = template(RpcProtocol.GO)) {
			Greeter greeter = RpcServiceProxyFactory.of(rpc).createClient(Greeter.class);
			assertThat(greeter.execute(new Request("ciro"))).isEqualTo(new Response("Hello ciro"));
			assertThat(greeter.executeLater(new Request("later")).get(10, TimeUnit.SECONDS)).isEqualTo(new Response("Hello later"));
			assertThat(greeter.greet("default")).isEqualTo("Hello default");
			assertThat(greeter.toString()).contains(Greeter.class.getName(), "127.0.0.1:" + server.port());
		}
	}

	@Test
	void theServersErrorIsThrownAsTheTemplateThrowsIt() {
		try (RpcTemplate rpc = template(RpcProtocol.GO)) {
			Greeter greeter = RpcServiceProxyFactory.of(rpc).createClient(Greeter.class);
			assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> greeter.execute(new Request("")))
				.withMessage("A name must be specified");
			assertThat(greeter.executeLater(new Request(""))).failsWithin(Duration.ofSeconds(10))
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.withCauseInstanceOf(RpcRemoteException.class);
		}
	}

	@Test
	void namesFollowGosConventionWhenNotDeclaredAndGenericResultsAreConverted() {
		try (RpcTemplate rpc = template(RpcProtocol.GO)) {
			Handler handler = RpcServiceProxyFactory.of(rpc).createClient(Handler.class);
			assertThat(handler.execute(new Request("ciro")).message()).isEqualTo("Hello ciro");
			assertThat(handler.sum(List.of(1, 2, 3))).containsExactly(6);
			assertThat(RpcServiceProxyFactory.of(rpc).createClient(Adder.class).add(List.of(4, 5))).containsExactly(9);
		}
	}

	/** A template calling a hand-made peer on {@code peer}'s port, with a deadline no test run comes near. */
	private static RpcTemplate template(ServerSocket peer, RpcProtocol protocol) {
		return new RpcTemplateBuilder().address("127.0.0.1", peer.getLocalPort())
			.protocol(protocol)
			.timeout(Duration.ofMinutes(1))
			.build();
	}

	/** The first message the peer's first connection brings. */
	private static JsonNode firstMessage(Socket connection) throws IOException {
		connection.setSoTimeout(10_000);
		return JsonMapper.shared()
			.readTree(new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8)).readLine());
	}

	@Test
	void aNotificationMethodGoesOutWithoutAnIdInJsonRpc2AndWaitsForNoReply() throws Exception {
		try (ServerSocket peer = Listeners.loopback();
				RpcTemplate rpc = template(peer, RpcProtocol.JSON_RPC_2)) {
			Notes handler = RpcServiceProxyFactory.of(rpc).createClient(Notes.class);
			CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> handler.note("sent-as-notification"));
			try (Socket connection = peer.accept()) {
				JsonNode message = firstMessage(connection);
				assertThat(message.path("jsonrpc").asString()).isEqualTo("2.0");
				assertThat(message.path("method").asString()).isEqualTo("Handler.Note");
				assertThat(message.path("params")).hasToString("[\"sent-as-notification\"]");
				assertThat(message.has("id")).as("a notification has no id: %s", message).isFalse();
				// The peer never answers: the method returns all the same (a call would fail after its minute).
				assertThat(sent).succeedsWithin(Duration.ofMinutes(2));
			}
		}
	}

	@Test
	void aVoidMethodInGosDialectIsACallThatWaitsForItsReplyAndThrowsItsError() throws Exception {
		try (ServerSocket peer = Listeners.loopback();
				RpcTemplate rpc = template(peer, RpcProtocol.GO)) {
			Handler handler = RpcServiceProxyFactory.of(rpc).createClient(Handler.class);
			CompletableFuture<Void> called = CompletableFuture.runAsync(() -> handler.note("sent-as-call"));
			try (Socket connection = peer.accept()) {
				JsonNode message = firstMessage(connection);
				assertThat(message.has("jsonrpc")).isFalse();
				assertThat(message.path("method").asString()).isEqualTo("Handler.Note");
				assertThat(message.has("id")).as("Go's dialect has no notifications: %s", message).isTrue();
				// Unanswered, it is still waiting (its deadline is a minute away).
				assertThat(called).isNotDone();
				OutputStream out = connection.getOutputStream();
				out.write(("{\"id\":" + message.get("id") + ",\"result\":null,\"error\":\"note refused\"}\n")
					.getBytes(StandardCharsets.UTF_8));
				out.flush();
				assertThat(called).failsWithin(Duration.ofSeconds(30))
					.withThrowableOfType(ExecutionException.class)
					.havingCause()
					.isInstanceOf(RpcRemoteException.class)
					.withMessage("note refused");
			}
		}
	}

	@Test
	void aNotificationMethodRunsOnOurServerInJsonRpc2() {
		try (RpcTemplate rpc = template(RpcProtocol.JSON_RPC_2)) {
			Notes handler = RpcServiceProxyFactory.of(rpc).createClient(Notes.class);
			handler.note("sent-as-notification");
			await().untilAsserted(() -> assertThat(notes()).contains("sent-as-notification"));
		}
	}

	@Test
	void aVoidMethodInGosDialectRunsOnOurServerBeforeItReturns() {
		try (RpcTemplate rpc = template(RpcProtocol.GO)) {
			Handler handler = RpcServiceProxyFactory.of(rpc).createClient(Handler.class);
			handler.note("sent-as-call");
			// A call waits for its reply: the note is there as soon as it returns.
			assertThat(notes()).contains("sent-as-call");
		}
	}

	@Test
	void anInterfaceThatCannotBeCalledFailsWhenItsClientIsMadeNamingTheMethod() {
		try (RpcTemplate rpc = template(RpcProtocol.GO)) {
			assertThatIllegalStateException().isThrownBy(() -> RpcServiceProxyFactory.of(rpc).createClient(TwoParams.class))
				.withMessage("@RpcExchange method TwoParams.greet has 2 parameters: a request of Go's net/rpc dialect carries exactly one param"
						+ " (wrap several in a record, or call in JSON-RPC 2.0: rpc.client.protocol=json-rpc-2)");
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@ImportRpcServices(types = Greeter.class)
	@ImportRpcServices(group = "second", types = Handler.class)
	static class GroupsApp {

	}

	@Test
	void importedInterfacesAreBeansCallingThroughTheTemplateOfTheirGroup() {
		try (RefusingPort closed = new RefusingPort();
				ConfigurableApplicationContext context = new SpringApplicationBuilder(GroupsApp.class)
					.web(WebApplicationType.NONE)
					.bannerMode(Banner.Mode.OFF)
					.properties("rpc.server.enabled=false", "rpc.client.host=127.0.0.1", "rpc.client.port=" + closed.port(),
							"rpc.client.second.port=" + server.port(), "rpc.client.second.protocol=json-rpc-2")
					.run()) {
			// The default group has rpc.client.* alone: a port where nothing listens.
			assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> context.getBean(Greeter.class).execute(new Request("x")))
				.withMessageContaining("127.0.0.1:" + closed.port());
			// The second group has its own port and dialect over rpc.client.*'s host.
			Handler handler = context.getBean(Handler.class);
			assertThat(handler.execute(new Request("group")).message()).isEqualTo("Hello group");
			assertThat(handler.toString()).contains("127.0.0.1:" + server.port());
			handler.note("group-notification");
			await().untilAsserted(() -> assertThat(notes()).contains("group-notification"));
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@ImportRpcServices(group = "timeout", types = Greeter.class)
	static class ReservedGroupApp {

	}

	@Test
	void aGroupNamedLikeAClientPropertyIsRefusedAtStartUp() {
		assertThatIllegalStateException().isThrownBy(() -> new SpringApplicationBuilder(ReservedGroupApp.class)
			.web(WebApplicationType.NONE)
			.properties("rpc.server.enabled=false")
			.run()
			.close())
			.withMessageContaining("'timeout' cannot name an RPC client group: it would be read as rpc.client.timeout");
	}

}
