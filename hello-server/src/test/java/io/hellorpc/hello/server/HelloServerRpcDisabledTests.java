package io.hellorpc.hello.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.server.RpcServerLifecycle;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rpc.server.enabled=false}: no RPC listener at all, and the rest of the application (the actuator) runs. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rpc.server.enabled=false", "rpc.server.port=0", "rpc.server.host=127.0.0.1" })
class HelloServerRpcDisabledTests {

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int httpPort;

	@Autowired
	private ApplicationContext context;

	@Test
	void noListenerIsMadeOrBoundWhileTheActuatorIsUp() throws Exception {
		// The endpoint bean is there, but nothing serves it: no listener, no port bound and published.
		assertThat(this.context.getBeansOfType(Handler.class)).hasSize(1);
		assertThat(this.context.getBeansOfType(RpcServer.class)).isEmpty();
		assertThat(this.context.getBeansOfType(RpcServerLifecycle.class)).isEmpty();
		assertThat(this.context.getEnvironment().getProperty("local.rpc.port")).isNull();
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).contains("\"status\":\"UP\"");
		assertThat(get("/actuator/health/rpc").statusCode()).isEqualTo(404);
		assertThat(get("/actuator/rpc").statusCode()).isEqualTo(404);
		assertThat(get("/actuator/prometheus").body()).doesNotContain("rpc_server_connections");
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
