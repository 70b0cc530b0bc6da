package io.hellorpc.jsonrpc.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.support.Listeners;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/** The client's public face: a mockable RpcOperations, void methods that are calls, declared notifications. */
class RpcOperationsApiTests {

	/** Calls of every shape, and a declared notification. */
	interface Greeter {

		@RpcExchange("Handler.Execute")
		Response execute(Request request);

		@RpcExchange("Handler.Execute")
		CompletableFuture<Response> executeLater(Request request);

		@RpcExchange("Handler.Sum")
		List<Integer> sum(List<Integer> numbers);

		@RpcExchange(value = "Handler.Note", notification = true)
		void note(String text);

	}

	/** A void method on a server method that fails on an empty name. */
	interface Checker {

		@RpcExchange("Handler.Execute")
		void check(Request request);

	}

	/** A declared notification alone. */
	interface Notifier {

		@RpcExchange(value = "Handler.Note", notification = true)
		void note(String text);

	}

	/** A notification cannot have a result: nothing answers it. */
	interface NotifierWithAResult {

		@RpcExchange(value = "Handler.Note", notification = true)
		String note(String text);

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

	private static RpcTemplate template(RpcProtocol protocol) {
		return template(server.port(), protocol);
	}

	/** A deadline no run comes near: a call that waits for a reply that never comes fails only after a minute. */
	private static RpcTemplate template(int port, RpcProtocol protocol) {
		return new RpcTemplateBuilder().address("127.0.0.1", port).protocol(protocol).timeout(Duration.ofMinutes(1)).build();
	}

	/**
	 * A hand-written test double: answers each method with a canned value and records what it was
	 * asked, as a test of code written against {@link RpcOperations} would use it.
	 */
	static final class CannedOperations implements RpcOperations {

		private final Map<String, Object> answers;

		private final List<String> asked = new CopyOnWriteArrayList<>();

		CannedOperations(Map<String, Object> answers) {
			this.answers = answers;
		}

		List<String> asked() {
			return List.copyOf(this.asked);
		}

		@SuppressWarnings("unchecked")
		private <T> T answer(String kind, String method, Object params) {
			this.asked.add(kind + " " + method + " " + params);
			return (T) this.answers.get(method);
		}

		@Override
		public <T> T call(String method, Object params, Class<T> resultType) {
			return answer("call", method, params);
		}

		@Override
		public <T> T call(String method, Object params, Class<T> resultType, Duration timeout) {
			return answer("call", method, params);
		}

		@Override
		public <T> T call(String method, Object params, ParameterizedTypeReference<T> resultType) {
			return answer("call", method, params);
		}

		@Override
		public <T> T call(String method, Object params, ParameterizedTypeReference<T> resultType, Duration timeout) {
			return answer("call", method, params);
		}

		@Override
		public <T> CompletableFuture<T> callAsync(String method, Object params, Class<T> resultType) {
			return CompletableFuture.completedFuture(answer("call", method, params));
		}

		@Override
		public <T> CompletableFuture<T> callAsync(String method, Object params, Class<T> resultType, Duration timeout) {
			return CompletableFuture.completedFuture(answer("call", method, params));
		}

		@Override
		public <T> CompletableFuture<T> callAsync(String method, Object params, ParameterizedTypeReference<T> resultType) {
			return CompletableFuture.completedFuture(answer("call", method, params));
		}

		@Override
		public <T> CompletableFuture<T> callAsync(String method, Object params, ParameterizedTypeReference<T> resultType,
				Duration timeout) {
			return CompletableFuture.completedFuture(answer("call", method, params));
		}

		@Override
		public void sendNotification(String method, Object params) {
			answer("notification", method, params);
		}

		@Override
		public void sendNotification(String method, Object params, Duration timeout) {
			answer("notification", method, params);
		}

		@Override
		public RpcBatch batch() {
			throw new UnsupportedOperationException("no batches in this double");
		}

		@Override
		public RpcProtocol protocol() {
			return RpcProtocol.JSON_RPC_2;
		}

		@Override
		public String address() {
			return "canned:0";
		}

	}

	@Test
	void aClientOverAHandWrittenTestDoubleAnswersThroughTheDoubleWithNoServer() {
		CannedOperations canned = new CannedOperations(
				Map.of("Handler.Execute", new Response("canned hello"), "Handler.Sum", List.of(42)));
		Greeter greeter = RpcServiceProxyFactory.of(canned).createClient(Greeter.class);
		assertThat(greeter.execute(new Request("ciro"))).isEqualTo(new Response("canned hello"));
		assertThat(greeter.executeLater(new Request("later"))).succeedsWithin(Duration.ofSeconds(10))
			.isEqualTo(new Response("canned hello"));
		assertThat(greeter.sum(List.of(40, 2))).containsExactly(42);
		greeter.note("noted");
		assertThat(canned.asked()).containsExactly("call Handler.Execute Request[name=ciro]",
				"call Handler.Execute Request[name=later]", "call Handler.Sum [40, 2]", "notification Handler.Note noted");
	}

	@Test
	void aVoidMethodInJsonRpc2IsACallWhoseErrorIsThrownToTheCaller() {
		try (RpcTemplate rpc = template(RpcProtocol.JSON_RPC_2)) {
			Checker checker = RpcServiceProxyFactory.of(rpc).createClient(Checker.class);
			assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> checker.check(new Request("")))
				.withMessage("A name must be specified");
			checker.check(new Request("fine"));
		}
	}

	@Test
	void aVoidMethodInGosDialectIsACallWhoseErrorIsThrownToTheCaller() {
		try (RpcTemplate rpc = template(RpcProtocol.GO)) {
			Checker checker = RpcServiceProxyFactory.of(rpc).createClient(Checker.class);
			assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> checker.check(new Request("")))
				.withMessage("A name must be specified");
			checker.check(new Request("fine"));
		}
	}

	@Test
	void aDeclaredNotificationRunsOnTheServerInJsonRpc2() {
		try (RpcTemplate rpc = template(RpcProtocol.JSON_RPC_2)) {
			RpcServiceProxyFactory.of(rpc).createClient(Notifier.class).note("declared-notification");
			await().untilAsserted(
					() -> assertThat(server.bean(TestServices.Handler.class).notes()).contains("declared-notification"));
		}
	}

	@Test
	void aDeclaredNotificationGoesOutWithoutAnIdAndWaitsForNoReply() throws Exception {
		try (ServerSocket peer = Listeners.loopback(); RpcTemplate rpc = template(peer.getLocalPort(), RpcProtocol.JSON_RPC_2)) {
			Notifier notifier = RpcServiceProxyFactory.of(rpc).createClient(Notifier.class);
			CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> notifier.note("never answered"));
			try (Socket connection = peer.accept()) {
				connection.setSoTimeout(10_000);
				JsonNode message = JsonMapper.shared()
					.readTree(new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))
						.readLine());
				assertThat(message.path("method").asString()).isEqualTo("Handler.Note");
				assertThat(message.has("id")).as("a notification has no id: %s", message).isFalse();
				// The peer never answers: the method returns all the same (a call would fail after its minute).
				assertThat(sent).succeedsWithin(Duration.ofMinutes(2));
			}
		}
	}

	@Test
	void aDeclaredNotificationIsRefusedWhenTheClientIsMadeInGosDialectNamingTheMethod() {
		try (RpcTemplate rpc = template(RpcProtocol.GO)) {
			assertThatIllegalStateException().isThrownBy(() -> RpcServiceProxyFactory.of(rpc).createClient(Notifier.class))
				.withMessageContaining("Notifier.note");
		}
	}

	@Test
	void aDeclaredNotificationThatReturnsAValueIsRefusedWhenTheClientIsMadeNamingTheMethod() {
		try (RpcTemplate rpc = template(RpcProtocol.JSON_RPC_2)) {
			assertThatIllegalStateException()
				.isThrownBy(() -> RpcServiceProxyFactory.of(rpc).createClient(NotifierWithAResult.class))
				.withMessageContaining("NotifierWithAResult.note");
		}
	}

	@Test
	void notificationsAreSentBySendNotificationAndNoMethodOverloadsObjectNotify() throws Exception {
		for (Class<?> type : List.of(RpcTemplate.class, RpcOperations.class, RpcBatch.class)) {
			assertThat(Arrays.stream(type.getMethods())
				.filter((method) -> method.getName().equals("notify") && method.getParameterCount() > 0)
				.toList()).as("%s's public methods named notify besides Object.notify()", type.getSimpleName()).isEmpty();
		}
		Method sendNotification = RpcTemplate.class.getMethod("sendNotification", String.class, Object.class);
		assertThat(Modifier.isPublic(sendNotification.getModifiers())).isTrue();
		assertThat(RpcOperations.class.getMethod("sendNotification", String.class, Object.class, Duration.class)).isNotNull();
		assertThat(RpcBatch.class.getMethod("notification", String.class, Object.class)).isNotNull();
		assertThat(RpcOperations.class).isAssignableFrom(RpcTemplate.class);
	}

}
