package io.hellorpc.hello.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.support.RawConnection;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;

import static io.hellorpc.hello.server.PrometheusSamples.delta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Metrics, health, info and the rpc endpoint over real HTTP, after real calls over TCP. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rpc.server.port=0", "rpc.server.host=127.0.0.1" })
@DirtiesContext
class HelloServerObservabilityTests {

	private static final String SYSTEM = "rpc_system=\"jsonrpc\"";

	/** Go's dialect, no JSON-RPC error code: the tags every call of these tests has. */
	private static final String GO_CALL = "rpc_jsonrpc_error_code=\"none\",rpc_jsonrpc_version=\"1.0\",";

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int httpPort;

	@Value("${local.rpc.port}")
	private int rpcPort;

	@Autowired
	private RpcTemplateBuilder rpcTemplateBuilder;

	@Autowired
	private RpcServer server;

	@Test
	void callsAndRejectedMessagesAreCountedWithTheirTags() throws Exception {
		Map<String, Double> before = samples();
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
		// Each test measures what it did itself (the context, and so the meters, are shared), and
		// awaits it: a timer stops after its call, not always before the reply is read.
		await().untilAsserted(() -> {
			Map<String, Double> after = samples();
			assertThat(delta(before, after, "rpc_server_requests_seconds_count{error=\"none\",outcome=\"SUCCESS\"," + GO_CALL
					+ "rpc_method=\"Execute\",rpc_service=\"Handler\"," + SYSTEM + "}")).isEqualTo(3);
			assertThat(delta(before, after, "rpc_server_requests_seconds_count{error=\"IllegalArgumentException\","
					+ "outcome=\"ERROR\",rpc_jsonrpc_error_code=\"-32000\",rpc_jsonrpc_version=\"1.0\","
					+ "rpc_method=\"Execute\",rpc_service=\"Handler\"," + SYSTEM + "}")).isEqualTo(1);
			assertThat(delta(before, after, "rpc_server_requests_seconds_count{error=\"UnknownMethodException\","
					+ "outcome=\"ERROR\",rpc_jsonrpc_error_code=\"-32601\",rpc_jsonrpc_version=\"1.0\","
					+ "rpc_method=\"UNKNOWN\",rpc_service=\"UNKNOWN\"," + SYSTEM + "}")).isEqualTo(1);
			assertThat(delta(before, after, "rpc_server_requests_seconds_bucket{error=\"none\",outcome=\"SUCCESS\"," + GO_CALL
					+ "rpc_method=\"Execute\",rpc_service=\"Handler\"," + SYSTEM + ",le=\"+Inf\"}")).isEqualTo(3);
			assertThat(delta(before, after, "rpc_server_messages_rejected_total{reason=\"malformed\"," + SYSTEM + "}"))
				.isEqualTo(1);
			assertThat(delta(before, after, "rpc_server_messages_rejected_total{reason=\"too_large\"," + SYSTEM + "}"))
				.isZero();
			assertThat(delta(before, after, "rpc_server_connections_accepted_total{" + SYSTEM + "}")).isEqualTo(2);
			assertThat(delta(before, after, "rpc_server_connections_rejected_total{" + SYSTEM + "}")).isZero();
			assertThat(after).containsKeys("rpc_server_connections{" + SYSTEM + "}", "rpc_server_calls_active{" + SYSTEM + "}");
		});
	}

	@Test
	void jsonRpc2CallsCarryTheirVersionAndErrorCodeAndNotificationsAreCounted() throws Exception {
		Map<String, Double> before = samples();
		try (RawConnection connection = new RawConnection(this.rpcPort)) {
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":{\"Name\":\"v2\"},\"id\":1}");
			connection.readLine();
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Nope\",\"params\":{},\"id\":2}");
			connection.readLine();
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":{\"Name\":\"n\"}}");
			// the notification has no reply: a call after it shows it was read
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":{\"Name\":\"v2\"},\"id\":3}");
			connection.readLine();
		}
		// The notification is counted before its timer stops, and neither before its call: both awaited.
		await().untilAsserted(() -> {
			Map<String, Double> after = samples();
			assertThat(delta(before, after, "rpc_server_notifications_total{" + SYSTEM + "}")).isEqualTo(1);
			assertThat(delta(before, after, "rpc_server_requests_seconds_count{error=\"none\",outcome=\"SUCCESS\","
					+ "rpc_jsonrpc_error_code=\"none\",rpc_jsonrpc_version=\"2.0\",rpc_method=\"Execute\",rpc_service=\"Handler\","
					+ SYSTEM + "}")).isEqualTo(3);
			assertThat(delta(before, after, "rpc_server_requests_seconds_count{error=\"UnknownMethodException\",outcome=\"ERROR\","
					+ "rpc_jsonrpc_error_code=\"-32601\",rpc_jsonrpc_version=\"2.0\",rpc_method=\"UNKNOWN\",rpc_service=\"UNKNOWN\","
					+ SYSTEM + "}")).isEqualTo(1);
		});
	}

	@Test
	void rpcTemplateCallsAreTimedOnTheClientSide() throws Exception {
		Map<String, Double> before = samples();
		try (RpcTemplate rpc = this.rpcTemplateBuilder.address("127.0.0.1", this.rpcPort).build()) {
			rpc.call("Handler.Execute", new Handler.Request("x"), Handler.Response.class);
			rpc.call("Handler.Execute", new Handler.Request("y"), Handler.Response.class);
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Handler.Request(""), Handler.Response.class));
		}
		await().untilAsserted(() -> {
			Map<String, Double> after = samples();
			assertThat(delta(before, after, "rpc_client_requests_seconds_count{error=\"none\",outcome=\"SUCCESS\"," + GO_CALL
					+ "rpc_method=\"Execute\",rpc_service=\"Handler\"," + SYSTEM + "}")).isEqualTo(2);
			assertThat(delta(before, after, "rpc_client_requests_seconds_count{error=\"RpcRemoteException\","
					+ "outcome=\"ERROR\"," + GO_CALL + "rpc_method=\"Execute\",rpc_service=\"Handler\"," + SYSTEM + "}"))
				.isEqualTo(1);
		});
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

	/** Every sample of a scrape, by series ({@code name{tags}}). */
	private Map<String, Double> samples() throws Exception {
		HttpResponse<String> response = get("/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		return PrometheusSamples.parse(response.body());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
