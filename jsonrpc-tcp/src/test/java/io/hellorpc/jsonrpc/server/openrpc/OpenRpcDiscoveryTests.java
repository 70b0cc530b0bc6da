package io.hellorpc.jsonrpc.server.openrpc;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.autoconfigure.RpcServicesEndpoint;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.server.RpcCallInterceptor;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcMapping;
import io.hellorpc.jsonrpc.server.RpcMethod;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;
import io.hellorpc.jsonrpc.support.Json2Peers;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code rpc.discover} over a real socket, for an application with generics, lists, nested records
 * and optional fields, judged by npm's {@code @open-rpc/schema-utils-js} and against the codec.
 */
class OpenRpcDiscoveryTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.start(CatalogApplication.class);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	/** The document, fetched as a peer does: a JSON-RPC 2.0 {@code rpc.discover} call over TCP. */
	static JsonNode discover(int port) {
		try (RawConnection connection = new RawConnection(port)) {
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\",\"id\":7}\n");
			JsonNode reply = JSON.readTree(connection.readLine());
			assertThat(reply.has("error")).as("rpc.discover answered %s", reply).isFalse();
			return reply.get("result");
		}
	}

	private static JsonNode method(JsonNode document, String name) {
		for (JsonNode method : document.get("methods")) {
			if (method.get("name").asString().equals(name)) {
				return method;
			}
		}
		throw new AssertionError("no method " + name + " in " + document);
	}

	private static JsonNode schema(JsonNode document, String reference) {
		assertThat(reference).startsWith("#/components/schemas/");
		return document.get("components").get("schemas").get(reference.substring("#/components/schemas/".length()));
	}

	private static List<String> names(JsonNode object) {
		return object.propertyNames().stream().toList();
	}

	@Test
	void schemaUtilsValidatesAndDereferencesTheDocumentAndItsMethodCallValidatorJudgesCallsAsTheServerDoes() {
		ProcessResult result = Json2Peers.openRpcCheck(server.port(), """
				[{"method":"Catalog.Find","params":[{"Text":"dune","Tags":["sf"],"Limit":1}]},
				 {"method":"Catalog.Find","params":[{"Text":"dune","Limit":"one"}]},
				 {"method":"Catalog.Fetch","params":[{"Value":"1"}]},
				 {"method":"Shelf.First","params":[{"Text":"dune","Category":null}]},
				 {"method":"catalog.tag","params":["sf"]},
				 {"method":"catalog.tag","params":{"tag":"sf","limit":2}},
				 {"method":"catalog.tag","params":["sf","two"]},
				 {"method":"catalog.join","params":{"separator":"-","parts":["a","b"]}},
				 {"method":"catalog.forget","params":["1"]},
				 {"method":"Handler.Execute","params":[{"Name":"ciro"}]},
				 {"method":"Handler.Execute","params":[{"Name":5}]}]
				""");
		assertThat(result.stderr()).isEmpty();
		assertThat(result.exitCode()).isZero();
		String dune = "{\"Id\":\"1\",\"Name\":\"Dune\",\"Price\":{\"Cents\":999,\"Currency\":\"EUR\"},"
				+ "\"Labels\":{\"lang\":\"en\"},\"Kind\":\"BOOK\",\"isbn-13\":\"9780441013593\"}";
		assertThat(result.stdout()).isEqualTo("""
				document: valid
				dereferenced: %d methods, no $ref left
				Catalog.Find [{"Text":"dune","Tags":["sf"],"Limit":1}]: accepted; server: result {"Items":[%s],"Total":1,"Next":null}
				Catalog.Find [{"Text":"dune","Limit":"one"}]: rejected; server: error -32602
				Catalog.Fetch [{"Value":"1"}]: accepted; server: result %s
				Shelf.First [{"Text":"dune","Category":null}]: accepted; server: result %s
				catalog.tag ["sf"]: accepted; server: result [%s]
				catalog.tag {"tag":"sf","limit":2}: accepted; server: result [%s]
				catalog.tag ["sf","two"]: rejected; server: error -32602
				catalog.join {"separator":"-","parts":["a","b"]}: accepted; server: result "a-b"
				catalog.forget ["1"]: accepted; server: result null
				Handler.Execute [{"Name":"ciro"}]: accepted; server: result {"Message":"Hello ciro"}
				Handler.Execute [{"Name":5}]: rejected; server: error -32602
				""".formatted(discover(server.port()).get("methods").size(), dune, dune, dune, dune, dune));
	}

	@Test
	void schemasNamePropertiesAsTheCodecWritesThemThroughGenericsListsAndNestedRecords() {
		JsonNode document = discover(server.port());
		JsonMapper codec = server.bean(JsonRpcCodec.class).mapper();
		JsonNode page = schema(document, method(document, "Catalog.Find").get("result").get("schema").get("$ref").asString());
		JsonNode written = codec.valueToTree(new Page<>(List.of(DUNE), 1, Optional.of("2")));
		assertThat(names(page.get("properties"))).containsExactlyInAnyOrderElementsOf(names(written)).contains("Items");
		// Page<Item>'s items are Items, described once and referenced
		String item = page.get("properties").get("Items").get("items").get("$ref").asString();
		assertThat(item).isEqualTo("#/components/schemas/Item");
		// @JsonProperty renames, @JsonIgnore leaves out, as in the codec
		assertThat(names(schema(document, item).get("properties")))
			.containsExactlyInAnyOrderElementsOf(names(written.get("Items").get(0)))
			.contains("isbn-13")
			.doesNotContain("Secret", "Isbn");

		assertThat(names(document.get("components").get("schemas").get("Price").get("properties")))
			.containsExactlyInAnyOrder("Cents", "Currency");
		assertThat(method(document, "Catalog.Find").get("result").get("schema").get("$ref").asString())
			.isEqualTo("#/components/schemas/Page_Item_");
		// an enum by its names, a map by its values
		assertThat(document.get("components").get("schemas").get("Kind").toString())
			.isEqualTo("{\"type\":\"string\",\"enum\":[\"BOOK\",\"FILM\"]}");
		assertThat(document.get("components").get("schemas").get("Map_String.String_").toString())
			.isEqualTo("{\"type\":\"object\",\"additionalProperties\":{\"type\":\"string\"}}");
		JsonNode query = schema(document, method(document, "Catalog.Find").get("params").get(0).get("schema").get("$ref").asString());
		assertThat(names(query.get("properties"))).containsExactlyInAnyOrder("Text", "Category", "Tags", "Limit");
		// an Optional field is its value or null; no field is required, as the codec requires none
		assertThat(query.get("properties").get("Category").get("type").values()).extracting(JsonNode::asString)
			.containsExactlyInAnyOrder("string", "null");
		assertThat(query.has("required")).isFalse();
		// the endpoint's generic superclass method returns its Item; a future answers with its value
		assertThat(method(document, "Shelf.First").get("result").get("schema").get("$ref").asString()).isEqualTo(item);
		assertThat(method(document, "Catalog.Fetch").get("result").get("schema").get("$ref").asString()).isEqualTo(item);
		JsonNode hello = schema(document, method(document, "Handler.Execute").get("params").get(0).get("schema").get("$ref").asString());
		assertThat(names(hello.get("properties"))).containsExactly("Name");
	}

	/**
	 * Not in the application the Node check judges: {@code @open-rpc/schema-utils-js} 2.2.1's
	 * {@code dereferenceDocument} never finishes on a schema that refers to itself (it runs out of
	 * memory, as it does on a ten-line document by hand).
	 */
	@Test
	void aRecursiveTypeIsDescribedOnceAndRefersToItself() {
		try (RunningServer shelves = RunningServer.start(Shelves.class)) {
			JsonNode document = discover(shelves.port());
			String shelving = method(document, "Shelves.Shelving").get("result").get("schema").get("$ref").asString();
			assertThat(shelving).isEqualTo("#/components/schemas/Shelving");
			assertThat(schema(document, shelving).get("properties").get("Below").get("items").get("$ref").asString())
				.isEqualTo(shelving);
		}
	}

	@Test
	void paramsAreDescribedAsTheServerBindsThem() {
		JsonNode document = discover(server.port());
		JsonNode find = method(document, "Catalog.Find");
		assertThat(find.get("paramStructure").asString()).isEqualTo("by-position");
		assertThat(find.get("params")).hasSize(1);
		assertThat(find.get("params").get(0).get("required").asBoolean()).isTrue();
		JsonNode tag = method(document, "catalog.tag");
		assertThat(tag.get("paramStructure").asString()).isEqualTo("either");
		assertThat(tag.get("params").valueStream().map((param) -> param.get("name").asString())).containsExactly("tag", "limit");
		assertThat(tag.get("params").get(0).get("required").asBoolean()).isTrue();
		JsonNode limit = tag.get("params").get(1);
		assertThat(limit.get("required").asBoolean()).isFalse();
		assertThat(limit.get("schema").toString()).isEqualTo("{\"anyOf\":[{\"type\":\"null\"},{\"type\":\"integer\"}]}");
		JsonNode join = method(document, "catalog.join");
		assertThat(join.get("paramStructure").asString()).isEqualTo("by-name");
		assertThat(join.get("params").get(1).get("required").asBoolean()).isFalse();
		assertThat(join.get("params").get(1).get("schema").get("type").asString()).isEqualTo("array");
		assertThat(method(document, "catalog.forget").get("result").get("schema").toString()).isEqualTo("{\"type\":\"null\"}");
	}

	@Test
	void everyMethodIsListedWithTheErrorCodesACallOfItCanGet() {
		JsonNode document = discover(server.port());
		assertThat(document.get("openrpc").asString()).isEqualTo("1.3.2");
		// no spring.application.name, no build-info: the defaults
		assertThat(document.get("info").toString()).isEqualTo("{\"title\":\"JSON-RPC services\",\"version\":\"unversioned\"}");
		assertThat(document.get("methods").valueStream().map((method) -> method.get("name").asString()))
			.containsExactlyElementsOf(server.bean(RpcServiceRegistry.class).methods().stream().map(RpcMethod::wireName).toList())
			.contains("Catalog.Find", "catalog.tag", "Shelf.First", "Handler.Execute")
			.doesNotContain("rpc.discover");
		JsonNode errors = document.get("components").get("errors");
		assertThat(errors.valueStream().map((error) -> error.get("code").asInt())).containsExactly(RpcError.PARSE_ERROR,
				RpcError.INVALID_REQUEST, RpcError.METHOD_NOT_FOUND, RpcError.INVALID_PARAMS, RpcError.INTERNAL_ERROR,
				RpcError.APPLICATION_ERROR, RpcError.CALL_NOT_STARTED, RpcError.CALL_TIMEOUT, RpcError.UNAUTHENTICATED,
				RpcError.ACCESS_DENIED);
		// without rpc.server.call-timeout no call times out; Spring Security (on this class path) may refuse any
		assertThat(server.bean(RpcCallInterceptor.class)).isNotNull();
		assertThat(method(document, "Catalog.Find").get("errors").valueStream().map((ref) -> ref.get("$ref").asString()))
			.containsExactly("#/components/errors/InvalidParams", "#/components/errors/ApplicationError",
					"#/components/errors/InternalError", "#/components/errors/CallNotStarted",
					"#/components/errors/Unauthenticated", "#/components/errors/AccessDenied");
	}

	@Test
	void theDocumentIsBuiltOnceAndEveryCallIsAnsweredWithIt() {
		JsonNode built = server.bean(OpenRpcDocument.class).json();
		assertThat(discover(server.port())).isEqualTo(built);
		assertThat(discover(server.port())).isEqualTo(built);
		assertThat(server.bean(OpenRpcDocument.class).json()).isSameAs(built);
	}

	@Test
	void theActuatorEndpointServesTheSameDocument() {
		try (RunningServer exposed = RunningServer.start(CatalogApplication.class, "management.endpoints.web.exposure.include=rpc")) {
			RpcServicesEndpoint endpoint = exposed.bean(RpcServicesEndpoint.class);
			assertThat(endpoint.document("openrpc")).isSameAs(exposed.bean(OpenRpcDocument.class).json());
			assertThat(endpoint.document("openapi")).isNull();
		}
	}

	@Test
	void rpcDiscoverIsJsonRpc2OnlyAndTakesNoParams() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"rpc.discover\",\"params\":[],\"id\":1}\n");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":1,\"result\":null,\"error\":\"rpc: can't find service rpc.discover\"}");
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\",\"params\":[1],\"id\":2}\n");
			JsonNode reply = JSON.readTree(connection.readLine());
			assertThat(reply.get("error").get("code").asInt()).isEqualTo(RpcError.INVALID_PARAMS);
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\",\"params\":{},\"id\":3}\n");
			assertThat(JSON.readTree(connection.readLine()).get("result").get("openrpc").asString()).isEqualTo("1.3.2");
		}
	}

	@Test
	void discoveryOffMakesRpcDiscoverAnUnknownMethod() {
		try (RunningServer off = RunningServer.start(CatalogApplication.class, "rpc.server.discovery.enabled=false",
				"management.endpoints.web.exposure.include=rpc");
				RawConnection connection = off.connect()) {
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\",\"id\":1}\n");
			JsonNode reply = JSON.readTree(connection.readLine());
			assertThat(reply.get("error").get("code").asInt()).isEqualTo(RpcError.METHOD_NOT_FOUND);
			assertThat(reply.get("error").get("message").asString()).isEqualTo("rpc: can't find service rpc.discover");
			assertThatExceptionOfType(NoSuchBeanDefinitionException.class).isThrownBy(() -> off.bean(OpenRpcDocument.class));
			// /actuator/rpc/openrpc: nothing, which the actuator answers 404
			assertThat(off.bean(RpcServicesEndpoint.class).document("openrpc")).isNull();
		}
	}

	@Test
	void titleAndVersionAreSetByPropertiesAndACallTimeoutIsListed() {
		try (RunningServer named = RunningServer.start(CatalogApplication.class, "rpc.server.discovery.title=Catalog",
				"rpc.server.discovery.version=2.1.0", "rpc.server.call-timeout=5s")) {
			JsonNode document = discover(named.port());
			assertThat(document.get("info").toString()).isEqualTo("{\"title\":\"Catalog\",\"version\":\"2.1.0\"}");
			assertThat(method(document, "Catalog.Find").get("errors").valueStream().map((ref) -> ref.get("$ref").asString()))
				.contains("#/components/errors/CallTimeout");
		}
	}

	@Import({ Catalog.class, Shelf.class })
	static class CatalogApplication {

	}

	public enum Kind {

		BOOK, FILM

	}

	public record Price(long cents, String currency) {
	}

	public record Item(String id, String name, Price price, Map<String, String> labels, Kind kind,
			@JsonProperty("isbn-13") String isbn, @JsonIgnore String secret) {
	}

	/** A recursive type: its schema refers to itself. */
	public record Shelving(String name, List<Shelving> below) {
	}

	public record Query(String text, Optional<String> category, List<String> tags, int limit) {
	}

	public record Page<T>(List<T> items, int total, Optional<String> next) {
	}

	public record ItemId(String value) {
	}

	static final Item DUNE = new Item("1", "Dune", new Price(999, "EUR"), Map.of("lang", "en"), Kind.BOOK,
			"9780441013593", "s");

	/** Go-shaped methods (one request object, a result), {@code @RpcMapping} ones of every shape. */
	@RpcEndpoint
	static class Catalog {

		public Page<Item> find(Query query) {
			return new Page<>(List.of(DUNE).subList(0, Math.min(1, Math.max(0, query.limit()))), 1, Optional.empty());
		}

		public CompletableFuture<Item> fetch(ItemId id) {
			return CompletableFuture.completedFuture(DUNE);
		}

		@RpcMapping("catalog.tag")
		public List<Item> tag(String tag, Optional<Integer> limit) {
			return List.of(DUNE);
		}

		@RpcMapping("catalog.join")
		public String join(String separator, String... parts) {
			return String.join(separator, parts);
		}

		@RpcMapping("catalog.forget")
		public void forget(String id) {
		}

	}

	@RpcEndpoint
	static class Shelves {

		public Shelving shelving(String name) {
			return new Shelving(name, List.of(new Shelving("sf", List.of())));
		}

	}

	/** A method of a generic superclass: its {@code T} is the endpoint's {@code Item}. */
	abstract static class Store<T> {

		public abstract T first(Query query);

	}

	@RpcEndpoint
	static class Shelf extends Store<Item> {

		@Override
		public Item first(Query query) {
			return DUNE;
		}

	}

}
