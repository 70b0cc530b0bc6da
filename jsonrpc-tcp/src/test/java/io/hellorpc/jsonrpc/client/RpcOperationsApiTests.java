package io.hellorpc.jsonrpc.client;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The client's public face: a mockable RpcOperations, void methods that are calls, declared notifications. */
class RpcOperationsApiTests {

	/** A void method on a server method that fails on an empty name. */
	interface Checker {

		@RpcExchange("Handler.Execute")
		void check(Request request);

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
		return new RpcTemplateBuilder().address("127.0.0.1", server.port())
			.protocol(protocol)
			.timeout(Duration.ofMinutes(1))
			.build();
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
	void notificationsAreSentBySendNotificationAndNoMethodOverloadsObjectNotify() throws Exception {
		assertThat(Arrays.stream(RpcTemplate.class.getMethods())
			.filter((method) -> method.getName().equals("notify"))
			.map(Method::getParameterCount)
			.toList()).as("RpcTemplate's public methods named notify: Object.notify() alone").containsExactly(0);
		Method sendNotification = RpcTemplate.class.getMethod("sendNotification", String.class, Object.class);
		assertThat(Modifier.isPublic(sendNotification.getModifiers())).isTrue();
		assertThat(RpcTemplate.class.getMethod("sendNotification", String.class, Object.class, Duration.class)).isNotNull();
	}

}
