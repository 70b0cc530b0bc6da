package io.hellorpc.jsonrpc.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.micrometer.observation.Observation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The exact bytes a template writes for {@link RpcParams}, and for a plain param as before. */
class RpcParamsWireTests {

	private static final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	private final RequestEncoder json2 = new RequestEncoder(codec, RpcProtocol.JSON_RPC_2);

	private final RequestEncoder go = new RequestEncoder(codec, RpcProtocol.GO);

	record Request(String name) {
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

	@Test
	void positionalParamsAreTheParamsArrayInOrder() {
		assertThat(text(this.json2.call(1, "subtract", RpcParams.positional(42, 23), Observation.NOOP)))
			.isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":[42,23],\"id\":1}\n");
		assertThat(text(this.json2.call(2, "sum", RpcParams.positional(1, null, new Request("x")), Observation.NOOP)))
			.isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":[1,null,{\"Name\":\"x\"}],\"id\":2}\n");
		assertThat(text(this.json2.call(3, "empty", RpcParams.positional(), Observation.NOOP)))
			.isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"empty\",\"params\":[],\"id\":3}\n");
	}

	@Test
	void namedParamsAreTheParamsObject() {
		assertThat(text(this.json2.call(1, "subtract", RpcParams.named(Map.of("subtrahend", 23, "minuend", 42)),
				Observation.NOOP)))
			.isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":{\"minuend\":42,\"subtrahend\":23},\"id\":1}\n");
	}

	@Test
	void noParamsLeaveTheMemberOut() {
		assertThat(text(this.json2.call(1, "get_data", RpcParams.none(), Observation.NOOP)))
			.isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"get_data\",\"id\":1}\n");
		assertThat(text(this.json2.notification("notify_hello", RpcParams.positional(7))))
			.isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"notify_hello\",\"params\":[7]}\n");
	}

	@Test
	void aPlainParamIsStillTheOneParamInBothDialects() {
		assertThat(text(this.json2.call(1, "Handler.Execute", new Request("ciro"), Observation.NOOP)))
			.isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":1}\n");
		assertThat(text(this.go.call(1, "Handler.Execute", new Request("ciro"), Observation.NOOP)))
			.isEqualTo("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":1}\n");
	}

	@Test
	void batchEntriesTakeRpcParamsToo() {
		assertThat(text(this.json2.batch(List.of(RpcId.of(1), RpcId.of(2)), List.of("subtract", "get_data"),
				Arrays.asList(RpcParams.named(Map.of("minuend", 42, "subtrahend", 23)), RpcParams.none()))))
			.isEqualTo("[{\"jsonrpc\":\"2.0\",\"method\":\"subtract\",\"params\":{\"minuend\":42,\"subtrahend\":23},\"id\":1},"
					+ "{\"jsonrpc\":\"2.0\",\"method\":\"get_data\",\"id\":2}]\n");
	}

	@Test
	void gosDialectRefusesRpcParamsNamingTheMethod() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.go.call(1, "Arith.Subtract", RpcParams.positional(42, 23), Observation.NOOP))
			.withMessage("cannot call Arith.Subtract with RpcParams.positional[42, 23]: Go's net/rpc dialect carries exactly one param;"
					+ " pass it alone, or build the template with protocol JSON_RPC_2");
	}

}
