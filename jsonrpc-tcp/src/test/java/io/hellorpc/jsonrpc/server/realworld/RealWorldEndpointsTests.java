package io.hellorpc.jsonrpc.server.realworld;

import java.lang.reflect.Proxy;
import java.util.List;

import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.server.realworld.RealWorldEndpoints.Person;
import io.hellorpc.jsonrpc.server.realworld.RealWorldEndpoints.Word;
import io.hellorpc.jsonrpc.support.RawConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A real context with endpoints written the way applications write them, called over TCP. Calls
 * run on the event loop (one I/O thread), so an endpoint that held a thread would stop every other
 * call: the asynchronous test proves it does not.
 */
class RealWorldEndpointsTests {

	private static ConfigurableApplicationContext context;

	private static int port;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(RealWorldEndpoints.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.properties("rpc.server.host=127.0.0.1", "rpc.server.port=0", "rpc.server.io-threads=1",
					"rpc.server.call-threads=event-loop", "spring.aop.proxy-target-class=false")
			.run();
		port = context.getEnvironment().getRequiredProperty("local.rpc.port", Integer.class);
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	private static RpcTemplate template() {
		return new RpcTemplateBuilder().address("127.0.0.1", port).build();
	}

	@Test
	void anEndpointBehindAJdkProxyIsRegisteredByItsClassAndCalledThroughTheProxy() {
		assertThat(Proxy.isProxyClass(context.getBean(RealWorldEndpoints.Greeting.class).getClass())).isTrue();
		try (RpcTemplate rpc = template()) {
			assertThat(rpc.call("Proxied.Greet", new Person("ciro", 30), String.class)).isEqualTo("Hello ciro (30)");
		}
	}

	@Test
	void theProxysValidationIsAnInvalidParamsErrorNamingEachField() {
		try (RpcTemplate rpc = template();
				RpcTemplate rpc2 = new RpcTemplateBuilder().address("127.0.0.1", port).protocol(RpcProtocol.JSON_RPC_2).build()) {
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc.call("Proxied.Greet", new Person("", -1), String.class))
				.withMessage("invalid params: age: must be greater than 0; name: must not be blank");
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc2.call("Proxied.Greet", new Person(" ", 3), String.class))
				.satisfies((ex) -> assertThat(ex.getCode()).isEqualTo(-32602))
				.withMessage("invalid params: name: must not be blank");
		}
	}

	@Test
	void aValidParamOfAPlainBeanIsCheckedByTheServerItself() {
		try (RpcTemplate rpc = template()) {
			assertThat(rpc.call("Hidden.Check", new Person("ada", 36), String.class)).isEqualTo("valid ada");
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc.call("Hidden.Check", new Person("ada", 0), String.class))
				.withMessage("invalid params: age: must be greater than 0");
		}
	}

	@Test
	void aPackagePrivateEndpointClassIsCallable() {
		try (RpcTemplate rpc = template()) {
			assertThat(rpc.call("Hidden.Hello", "ciro", String.class)).isEqualTo("Hello ciro");
		}
	}

	@Test
	void aMetaAnnotatedEndpointIsRegisteredUnderTheNameItsAnnotationGives() {
		try (RpcTemplate rpc = template()) {
			assertThat(rpc.call("Stamped.Stamp", "x", String.class)).isEqualTo("[x]");
		}
	}

	@Test
	void aGenericParameterIsConvertedToTheTypeTheBeanClassBindsItTo() {
		try (RpcTemplate rpc = template()) {
			assertThat(rpc.call("Words.Twice", new Word("hi"), new ParameterizedTypeReference<List<String>>() {
			})).containsExactly("Word:Word[text=hi]", "Word:Word[text=hi]");
		}
	}

	@Test
	void aCompletableFutureIsAnsweredWhenItCompletesWithoutHoldingTheOnlyThread() throws Exception {
		try (RpcTemplate waiting = template(); RpcTemplate other = template()) {
			var answer = waiting.callAsync("Later.Answer", "k1", String.class);
			await().until(() -> other.call("Later.Waiting", "", Integer.class) == 1);
			// The one I/O thread is free: another call is answered while the first waits.
			assertThat(other.call("Hidden.Hello", "meanwhile", String.class)).isEqualTo("Hello meanwhile");
			assertThat(answer).isNotDone();
			other.call("Later.Release", "k1", String.class);
			assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("released k1");
		}
	}

	@Test
	void aFailedFutureIsTheCallsErrorWithItsMessage() {
		try (RpcTemplate rpc = template()) {
			assertThatExceptionOfType(RpcRemoteException.class).isThrownBy(() -> rpc.call("Later.Fail", "no stock", String.class))
				.withMessage("no stock");
		}
	}

	@Test
	void goClientsSeeTheSameValidationTextOverTheWire() {
		try (RawConnection raw = new RawConnection(port)) {
			raw.send("{\"method\":\"Proxied.Greet\",\"params\":[{\"name\":\"\",\"age\":1}],\"id\":7}\n");
			assertThat(raw.readLine()).isEqualTo("{\"id\":7,\"result\":null,\"error\":\"invalid params: name: must not be blank\"}");
		}
	}

}
