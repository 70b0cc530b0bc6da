package io.hellorpc.jsonrpc.client.exchange;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

	@Test
	void aVoidMethodIsANotificationInJsonRpc2() {
		try (RpcTemplate rpc = template(RpcProtocol.JSON_RPC_2)) {
			Handler handler = RpcServiceProxyFactory.of(rpc).createClient(Handler.class);
			handler.note("sent-as-notification");
			await().untilAsserted(() -> assertThat(notes()).contains("sent-as-notification"));
		}
	}

	@Test
	void aVoidMethodInGosDialectIsACallWhoseResultIsDropped() {
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
				.withMessage("@RpcExchange method TwoParams.greet has 2 parameters: a JSON-RPC call carries exactly one param (wrap several in a record)");
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
