package io.hellorpc.hello.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;

import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.server.NettyRpcServer;
import io.hellorpc.jsonrpc.support.RawConnection;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Metrics, health, info and the rpc endpoint over real HTTP, after real calls over TCP. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rpc.server.port=0", "rpc.server.host=127.0.0.1" })
@DirtiesContext
class HelloServerObservabilityTests {

	private static final String SYSTEM = "rpc_system=\"jsonrpc\"";

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int httpPort;

	@Value("${local.rpc.port}")
	private int rpcPort;

	@Autowired
	private RpcTemplateBuilder rpcTemplateBuilder;

	@Autowired
	private NettyRpcServer server;

	@Test
	void callsAndRejectedMessagesAreCountedWithTheirTags() throws Exception {
		try (RawConnection connection = new RawConnection(this.rpcPort)) {
			for (String name : List.of("a", "b", "c", "")) {
				connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + name + "\"}],\"id\":1}");
				connection.readLine();
			}
			connection.send("{\"method\":\"Nope.Execute\",\"params\":[{}],\"id\":2}");
			connection.readLine();
		}
		try (RawConnection malformed = new RawConnection(this.rpcPort)) {
			malformed.send("{\"method\": }");
			malformed.readLine();
		}
		List<String> metrics = scrape();
		assertThat(metrics).contains(
				"rpc_server_requests_seconds_count{error=\"none\",outcome=\"SUCCESS\",rpc_method=\"Execute\",rpc_service=\"Handler\","
						+ SYSTEM + "} 3",
				"rpc_server_requests_seconds_count{error=\"IllegalArgumentException\",outcome=\"ERROR\",rpc_method=\"Execute\","
						+ "rpc_service=\"Handler\"," + SYSTEM + "} 1",
				"rpc_server_requests_seconds_count{error=\"UnknownMethodException\",outcome=\"ERROR\",rpc_method=\"UNKNOWN\","
						+ "rpc_service=\"UNKNOWN\"," + SYSTEM + "} 1",
				"rpc_server_messages_rejected_total{reason=\"malformed\"," + SYSTEM + "} 1.0",
				"rpc_server_messages_rejected_total{reason=\"too_large\"," + SYSTEM + "} 0.0",
				"rpc_server_connections_accepted_total{" + SYSTEM + "} 2.0",
				"rpc_server_connections_rejected_total{" + SYSTEM + "} 0.0");
		assertThat(metrics).anyMatch((line) -> line.startsWith("rpc_server_requests_seconds_bucket{error=\"none\"")
				&& line.contains("le=\"+Inf\"") && line.endsWith("} 3"));
		assertThat(metrics).anyMatch((line) -> line.startsWith("rpc_server_connections{" + SYSTEM + "} "));
		assertThat(metrics).anyMatch((line) -> line.startsWith("rpc_server_calls_active{" + SYSTEM + "} "));
	}

	@Test
	void rpcTemplateCallsAreTimedOnTheClientSide() throws Exception {
		try (RpcTemplate rpc = this.rpcTemplateBuilder.address("127.0.0.1", this.rpcPort).build()) {
			rpc.call("Handler.Execute", new Handler.Request("x"), Handler.Response.class);
			rpc.call("Handler.Execute", new Handler.Request("y"), Handler.Response.class);
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Handler.Request(""), Handler.Response.class));
		}
		assertThat(scrape()).contains(
				"rpc_client_requests_seconds_count{error=\"none\",outcome=\"SUCCESS\",rpc_method=\"Execute\",rpc_service=\"Handler\","
						+ SYSTEM + "} 2",
				"rpc_client_requests_seconds_count{error=\"RpcRemoteException\",outcome=\"ERROR\",rpc_method=\"Execute\","
						+ "rpc_service=\"Handler\"," + SYSTEM + "} 1");
	}

	@Test
	void rpcEndpointListsServicesMethodsAndTypes() throws Exception {
		HttpResponse<String> response = get("/actuator/rpc");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("{\"services\":[{\"name\":\"Handler\",\"methods\":[{\"name\":\"Execute\","
				+ "\"requestType\":\"io.hellorpc.hello.server.Handler$Request\","
				+ "\"responseType\":\"io.hellorpc.hello.server.Handler$Response\"}]}]}");
	}

	@Test
	void infoShowsTheBuild() throws Exception {
		assertThat(get("/actuator/info").body()).contains("\"build\":{", "\"artifact\":\"hello-server\"", "\"time\":");
	}

	@Test
	void onlyTheChosenEndpointsAreExposed() throws Exception {
		assertThat(get("/actuator/env").statusCode()).isEqualTo(404);
		assertThat(get("/actuator/beans").statusCode()).isEqualTo(404);
	}

	@Test
	@DirtiesContext
	void healthIsUpWithTheAddressWhileListeningAndDownAfterTheListenerStops() throws Exception {
		HttpResponse<String> up = get("/actuator/health/rpc");
		assertThat(up.statusCode()).isEqualTo(200);
		assertThat(up.body()).contains("\"status\":\"UP\"", "\"address\":\"127.0.0.1:" + this.rpcPort + "\"");
		assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
		this.server.stop();
		HttpResponse<String> down = get("/actuator/health/rpc");
		assertThat(down.statusCode()).isEqualTo(503);
		assertThat(down.body()).contains("\"status\":\"DOWN\"");
		HttpResponse<String> readiness = get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
	}

	private List<String> scrape() throws Exception {
		HttpResponse<String> response = get("/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		return Arrays.asList(response.body().split("\n"));
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
