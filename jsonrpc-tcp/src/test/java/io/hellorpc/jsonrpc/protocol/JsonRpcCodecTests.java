package io.hellorpc.jsonrpc.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.TreeTraversingParser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JsonRpcCodecTests {

	private final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	record Request(String name) {
	}

	record Response(String message) {
	}

	@Test
	void successReplyMatchesGoByteForByte() {
		assertThat(reply(RpcId.of(0), new Response("Hello ciro"), null))
			.isEqualTo("{\"id\":0,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}\n");
	}

	@Test
	void failureReplyHasNullResultAndTheErrorText() {
		assertThat(reply(RpcId.of(0), new Response("ignored"), "A name must be specified"))
			.isEqualTo("{\"id\":0,\"result\":null,\"error\":\"A name must be specified\"}\n");
	}

	@Test
	void requestMatchesGoClientByteForByte() {
		byte[] bytes = this.codec.encodeRequest(RpcId.of(0), "Handler.Execute", new Request("ciro"));
		assertThat(new String(bytes, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":0}\n");
	}

	@Test
	void idAboveTwoToThe53IsEchoedUnchanged() {
		RpcRequest request = read("{\"method\":\"Handler.Execute\",\"params\":[{}],\"id\":18446744073709551615}");
		assertThat(reply(request.id(), null, "x")).startsWith("{\"id\":18446744073709551615,");
	}

	@Test
	void stringObjectAndMissingIdsAreEchoedAsJson() {
		assertThat(read("{\"id\":\"a\\\"b\",\"method\":\"m\"}").id().json()).isEqualTo("\"a\\\"b\"");
		assertThat(read("{\"id\":{\"k\":[1,2]},\"method\":\"m\"}").id().json()).isEqualTo("{\"k\":[1,2]}");
		assertThat(read("{\"method\":\"m\"}").id()).isEqualTo(RpcId.NULL);
		assertThat(read("{\"id\":1.50,\"method\":\"m\"}").id().json()).isEqualTo("1.50");
	}

	@Test
	void envelopeKeysMatchIgnoringCaseAsGoDoes() {
		RpcRequest request = read("{\"METHOD\":\"Handler.Execute\",\"Params\":[{\"name\":\"ciro\"}],\"Id\":7,\"extra\":[1]}");
		assertThat(request.method()).isEqualTo("Handler.Execute");
		assertThat(request.id().json()).isEqualTo("7");
		assertThat((Object) this.codec.readParam(request.params(), this.codec.type(Request.class)))
			.isEqualTo(new Request("ciro"));
	}

	@Test
	void paramFieldsMatchIgnoringCase() {
		for (String key : new String[] { "Name", "name", "NAME" }) {
			RpcRequest request = read("{\"method\":\"m\",\"params\":[{\"" + key + "\":\"ciro\"}],\"id\":0}");
			assertThat((Object) this.codec.readParam(request.params(), this.codec.type(Request.class)))
				.isEqualTo(new Request("ciro"));
		}
	}

	@Test
	void numberIsNotTakenForAStringAsInGo() {
		RpcRequest request = read("{\"method\":\"m\",\"params\":[{\"Name\":5}],\"id\":0}");
		assertThatExceptionOfType(ParamsException.class)
			.isThrownBy(() -> this.codec.readParam(request.params(), this.codec.type(Request.class)))
			.withMessage("json: cannot unmarshal number into Go struct field Request.Name of type string");
	}

	@Test
	void htmlCharactersAreEscapedAsGoEscapesThem() {
		assertThat(reply(RpcId.of(1), new Response("<a&b>"), null)).contains("\"Message\":\"\\u003ca\\u0026b\\u003e\"");
	}

	@Test
	void brokenJsonIsMalformedAndTheErrorNamesTheProblem() {
		assertThatExceptionOfType(MalformedMessageException.class).isThrownBy(() -> read("{\"method\": }"))
			.withMessage("jsonrpc: malformed message: invalid character '}' at byte 11");
	}

	@Test
	void aMessageThatIsNotAnObjectIsMalformed() {
		assertThatExceptionOfType(MalformedMessageException.class).isThrownBy(() -> read("[1,2]"))
			.withMessage("jsonrpc: malformed message: expected a JSON object, got an array");
	}

	@Test
	void deeplyNestedParamsAreMalformedNotAStackOverflow() {
		String deep = "[".repeat(100_000) + "]".repeat(100_000);
		assertThatExceptionOfType(MalformedMessageException.class)
			.isThrownBy(() -> read("{\"method\":\"m\",\"params\":" + deep + ",\"id\":0}"))
			.withMessage("jsonrpc: malformed message: exceeded max depth");
	}

	@Test
	void responseIsReadWithItsResultOrError() {
		RpcResponse ok = this.codec.readResponse(buf("{\"id\":3,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}"));
		assertThat(ok.id().json()).isEqualTo("3");
		assertThat(ok.error()).isNull();
		assertThat((Object) this.codec.convert(ok.result(), this.codec.type(Response.class))).isEqualTo(new Response("Hello ciro"));
		RpcResponse failed = this.codec.readResponse(buf("{\"id\":4,\"result\":null,\"error\":\"boom\"}"));
		assertThat(failed.result()).isNull();
		assertThat(failed.error()).isEqualTo("boom");
	}

	@Test
	void responseWithAnErrorThatIsNeitherTextNorAnErrorObjectIsMalformed() {
		assertThatExceptionOfType(MalformedMessageException.class)
			.isThrownBy(() -> this.codec.readResponse(buf("{\"id\":4,\"result\":null,\"error\":5}")))
			.withMessageContaining("invalid error 5");
	}

	@Test
	void aJsonRpc2ErrorObjectIsReadWithItsCodeAndData() {
		RpcResponse response = this.codec.readResponse(buf(
				"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\",\"data\":[1]},\"id\":4}"));
		assertThat(response.error()).isEqualTo("Method not found");
		assertThat(response.code()).isEqualTo(-32601);
		assertThat(response.data()).hasToString("[1]");
		assertThat(response.id().json()).isEqualTo("4");
	}

	@Test
	void aLoneSurrogateEscapeInAKeyIsAnUnknownKeyAsInGo() {
		// Go reads \\udddd in a key as U+FFFD, matching no field; Jackson alone refuses such a key.
		for (String lone : new String[] { "\\uDDDD", "\\ud800", "a\\ud800\\ud800", "\\uDBFFx" }) {
			RpcRequest request = read("{\"" + lone + "\":1,\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\",\""
					+ lone + "\":{\"" + lone + "\":[]}}],\"id\":\"" + lone + "\"}");
			assertThat(request.method()).isEqualTo("Handler.Execute");
			assertThat(request.id().json()).as("the id as sent").isEqualTo("\"" + lone + "\"");
			assertThat((Object) this.codec.readParam(request.params(), this.codec.type(Request.class)))
				.isEqualTo(new Request("ciro"));
			RpcResponse response = this.codec.readResponse(buf("{\"id\":3,\"" + lone + "\" :\"x\",\"result\":{\"Message\":\"hi\"},\"error\":null}"));
			assertThat(response.id().json()).isEqualTo("3");
			assertThat(response.result()).hasToString("{\"Message\":\"hi\"}");
		}
	}

	@Test
	void aSurrogatePairInAKeyIsItsCharacterAndAStillBrokenFrameNamesItsByte() {
		RpcRequest request = read("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"\\ud83d\\ude00\",\"\\ud83d\\ude00\":1}],\"id\":1}");
		assertThat((Object) this.codec.readParam(request.params(), this.codec.type(Request.class)))
			.isEqualTo(new Request("\ud83d\ude00"));
		assertThatExceptionOfType(MalformedMessageException.class)
			.isThrownBy(() -> read("{\"\\udddd\":1,\"method\":?}"))
			.withMessageContaining("invalid character '?' at byte 21");
	}

	@Test
	void aLoneSurrogateEscapeInAStringIsReadAsTheReplacementCharacterAsInGo() {
		RpcRequest request = read("{\"method\":\"m\",\"params\":[{\"Name\":\"a\\ud800b\"}],\"id\":0}");
		assertThat((Object) this.codec.readParam(request.params(), this.codec.type(Request.class)))
			.isEqualTo(new Request("a\ufffdb"));
		RpcRequest named = read("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"Name\":\"\\uDFFF\"},\"id\":0}");
		assertThat((Object) this.codec.readParam(named.params(), this.codec.type(Request.class), true))
			.isEqualTo(new Request("\ufffd"));
		RpcResponse response = this.codec.readResponse(buf("{\"id\":3,\"result\":{\"Message\":\"\\udbff!\"},\"error\":null}"));
		assertThat((Object) this.codec.convert(response.result(), this.codec.type(Response.class)))
			.isEqualTo(new Response("\ufffd!"));
	}

	@Test
	void paramsAndResultsOutliveTheFrameTheyCameIn() {
		// A pooled heap frame's array is handed out again once released: params and results must not point into it.
		ByteBufAllocator pooled = new PooledByteBufAllocator(false);
		ByteBuf call = pooled.heapBuffer(256).writeBytes(
				"{\"method\":\"m\",\"params\":[{\"Name\":\"ciro\"}],\"id\":0}".getBytes(StandardCharsets.UTF_8));
		RpcRequest request = this.codec.readRequest(call);
		call.release();
		ByteBuf reply = pooled.heapBuffer(256).writeBytes(
				"{\"id\":1,\"result\":{\"Message\":\"Hello\"},\"error\":null}".getBytes(StandardCharsets.UTF_8));
		RpcResponse response = this.codec.readResponse(reply);
		reply.release();
		ByteBuf reused = pooled.heapBuffer(256);
		reused.writeBytes(new byte[256]);
		assertThat((Object) this.codec.readParam(request.params(), this.codec.type(Request.class)))
			.isEqualTo(new Request("ciro"));
		assertThat((Object) this.codec.convert(response.result(), this.codec.type(Response.class)))
			.isEqualTo(new Response("Hello"));
		reused.release();
	}

	/** Deserialized by a probe that notes which parser read it. */
	record Probe() {
	}

	@Test
	void paramsAndResultsAreReadStraightFromTheirBytesNotThroughATree() {
		List<Class<?>> parsers = new ArrayList<>();
		ValueDeserializer<Probe> probe = new ValueDeserializer<>() {
			@Override
			public Probe deserialize(JsonParser parser, DeserializationContext context) {
				parsers.add(parser.getClass());
				parser.skipChildren();
				return new Probe();
			}
		};
		JsonRpcCodec probed = new JsonRpcCodec(
				GoJson.mapperBuilder().addModule(new SimpleModule().addDeserializer(Probe.class, probe)).build());
		JavaType type = probed.type(Probe.class);
		assertThat(probed.readParam(probed.readRequest(buf("{\"method\":\"m\",\"params\":[{\"X\":1},2],\"id\":0}")).params(),
				type)).isEqualTo(new Probe());
		assertThat(probed.readParam(
				probed.readRequest(buf("{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"X\":1},\"id\":0}")).params(), type,
				true)).isEqualTo(new Probe());
		assertThat((Object) probed.convert(probed.readResponse(buf("{\"id\":1,\"result\":{\"X\":1},\"error\":null}")).result(),
				type)).isEqualTo(new Probe());
		assertThat(parsers).hasSize(3).noneMatch(TreeTraversingParser.class::isAssignableFrom);
	}

	@Test
	void paramsAreKeptAsTheirBytesAndReadAsATreeOnDemand() {
		RpcRequest request = read("{\"method\":\"m\",\"params\":[ {\"Name\" : \"ciro\"} ],\"id\":0}");
		assertThat(request.params()).hasToString("[ {\"Name\" : \"ciro\"} ]");
		assertThat(request.params().asTree().get(0).get("Name").asString()).isEqualTo("ciro");
		assertThat(request.params()).isEqualTo(RawJson.of("[ {\"Name\" : \"ciro\"} ]"));
	}

	@Test
	void paramsReadStraightFromTheBytesKeepGosOneSlotArray() {
		assertThat(this.codec.readParam(read("{\"method\":\"m\",\"params\":[],\"id\":0}").params(), requestType()))
			.isEqualTo(new Request(null));
		assertThat(this.codec.readParam(read("{\"method\":\"m\",\"params\":[null],\"id\":0}").params(), requestType()))
			.isEqualTo(new Request(null));
		assertThat(this.codec.readParam(
				read("{\"method\":\"m\",\"params\":[{\"Name\":\"a\"},{\"Name\":\"b\"},7],\"id\":0}").params(), requestType()))
			.as("values past the first are ignored").isEqualTo(new Request("a"));
		assertThatExceptionOfType(ParamsException.class)
			.isThrownBy(() -> this.codec.readParam(read("{\"method\":\"m\",\"params\":{\"Name\":\"a\"},\"id\":0}").params(),
					requestType()))
			.withMessage("json: cannot unmarshal object into Go value of type [1]interface {}");
		assertThatExceptionOfType(ParamsException.class)
			.isThrownBy(() -> this.codec.readParam(read("{\"method\":\"m\",\"params\":[{\"Name\":[1]}],\"id\":0}").params(),
					requestType()))
			.withMessage("json: cannot unmarshal array into Go struct field Request.Name of type string");
	}

	private JavaType requestType() {
		return this.codec.type(Request.class);
	}

	private RpcRequest read(String json) {
		return this.codec.readRequest(buf(json));
	}

	private String reply(RpcId id, Object result, String error) {
		return text(this.codec.writeResponse(ByteBufAllocator.DEFAULT, id, result, error));
	}

	private static ByteBuf buf(String json) {
		return Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
	}

	private static String text(ByteBuf bytes) {
		try {
			return bytes.toString(StandardCharsets.UTF_8);
		}
		finally {
			bytes.release();
		}
	}

}
