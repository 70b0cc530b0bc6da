package io.hellorpc.hello.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.hellorpc.jsonrpc.support.Json2Peers;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RawConnection;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * hello-server's OpenRPC document: {@code rpc.discover} over TCP, judged by npm's
 * {@code @open-rpc/schema-utils-js}, and the same document at {@code /actuator/rpc/openrpc}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rpc.server.port=0", "rpc.server.host=127.0.0.1" })
class HelloServerDiscoveryTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Value("${local.rpc.port}")
	private int rpcPort;

	@LocalServerPort
	private int httpPort;

	@Autowired
	private BuildProperties build;

	private JsonNode discover() {
		try (RawConnection connection = new RawConnection(this.rpcPort)) {
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\",\"id\":1}\n");
			return JSON.readTree(connection.readLine()).get("result");
		}
	}

	@Test
	void schemaUtilsValidatesTheHandlersDocumentAndJudgesCallsAsTheServerAnswersThem() {
		ProcessResult result = Json2Peers.openRpcCheck(this.rpcPort, """
				[{"method":"Handler.Execute","params":[{"Name":"ciro"}]},
				 {"method":"Handler.Execute","params":[{"Name":""}]},
				 {"method":"Handler.Execute","params":[{"Name":5}]},
				 {"method":"Handler.Execute","params":["ciro"]}]
				""");
		assertThat(result.stderr()).isEmpty();
		assertThat(result.exitCode()).isZero();
		// An empty name fits the schema; the Handler itself refuses it (-32000).
		assertThat(result.stdout()).isEqualTo("""
				document: valid
				dereferenced: 1 methods, no $ref left
				Handler.Execute [{"Name":"ciro"}]: accepted; server: result {"Message":"Hello ciro"}
				Handler.Execute [{"Name":""}]: accepted; server: error -32000
				Handler.Execute [{"Name":5}]: rejected; server: error -32602
				Handler.Execute ["ciro"]: rejected; server: error -32602
				""");
	}

	@Test
	void theHandlerIsDescribedWithGosFieldNamesAndTheBuildsVersion() {
		JsonNode document = discover();
		assertThat(document.get("info").toString())
			.isEqualTo("{\"title\":\"hello-server\",\"version\":\"" + this.build.getVersion() + "\"}");
		JsonNode execute = document.get("methods").get(0);
		assertThat(execute.get("name").asString()).isEqualTo("Handler.Execute");
		assertThat(execute.get("paramStructure").asString()).isEqualTo("by-position");
		JsonNode schemas = document.get("components").get("schemas");
		assertThat(execute.get("params").get(0).get("schema").toString()).isEqualTo("{\"$ref\":\"#/components/schemas/Request\"}");
		assertThat(execute.get("result").get("schema").toString()).isEqualTo("{\"$ref\":\"#/components/schemas/Response\"}");
		assertThat(schemas.get("Request").toString())
			.isEqualTo("{\"type\":\"object\",\"properties\":{\"Name\":{\"type\":[\"string\",\"null\"]}}}");
		assertThat(schemas.get("Response").toString())
			.isEqualTo("{\"type\":\"object\",\"properties\":{\"Message\":{\"type\":[\"string\",\"null\"]}}}");
	}

	@Test
	void rpcDiscoverIsObservedAsMethodDiscoverOfServiceRpc() {
		discover();
		await().untilAsserted(() -> assertThat(get("/actuator/prometheus").body())
			.containsPattern("rpc_server_requests_seconds_count\\{error=\"none\",outcome=\"SUCCESS\",[^}]*"
					+ "rpc_jsonrpc_version=\"2.0\",rpc_method=\"discover\",rpc_service=\"rpc\""));
	}

	private HttpResponse<String> get(String path) throws Exception {
		return HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + path)).build(),
					HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void theActuatorServesTheSameDocument() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + "/actuator/rpc/openrpc")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(response.body())).isEqualTo(discover());
		HttpResponse<String> other = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + "/actuator/rpc/nope")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(other.statusCode()).isEqualTo(404);
	}

}
