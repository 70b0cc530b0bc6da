package io.hellorpc.jsonrpc.server;

import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** Interceptor beans around real calls: what one throws or hands back is answered as its contract says. */
class RpcCallInterceptorTests {

	@Configuration(proxyBeanMethods = false)
	static class Throwing {

		@Bean
		RpcCallInterceptor refusing() {
			return (call, next) -> {
				if (call.method().wireName().equals("Handler.Execute")) {
					throw new RpcApplicationException(7, "not today");
				}
				return next.get();
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Catching {

		/** Hands every failure of the call back as its future's, the binding's among them. */
		@Bean
		RpcCallInterceptor catching() {
			return (call, next) -> {
				try {
					return next.get();
				}
				catch (RuntimeException ex) {
					return CompletableFuture.failedFuture(ex);
				}
			};
		}

	}

	@Test
	void anExceptionAnInterceptorThrowsIsAnsweredAsAMethodsExceptionIsAndTheMethodDoesNotRun() {
		try (RunningServer server = RunningServer.start(Throwing.class); RawConnection connection = server.connect()) {
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"x\"}],\"id\":1}");
			assertThat(connection.readLine())
				.isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":7,\"message\":\"not today\"},\"id\":1}");
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"x\"}],\"id\":2}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":2,\"result\":null,\"error\":\"not today\"}");
		}
	}

	@Test
	void paramsThatDoNotBindStayInvalidParamsWhenAnInterceptorHandsTheFailureBack() {
		try (RunningServer server = RunningServer.start(Catching.class); RawConnection connection = server.connect()) {
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":[{\"Name\":5}],\"id\":1}");
			assertThat(connection.readLine()).startsWith("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,");
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ok\"}],\"id\":2}");
			assertThat(connection.readLine()).contains("\"result\":{\"Message\":\"Hello ok\"}");
		}
	}

}
