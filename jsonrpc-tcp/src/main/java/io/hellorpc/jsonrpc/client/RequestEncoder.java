package io.hellorpc.jsonrpc.client;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import io.hellorpc.jsonrpc.observation.RpcClientObservationContext;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.micrometer.observation.Observation;
import tools.jackson.core.JacksonException;

/** Writes a template's requests in its dialect; params that cannot be written fail the call, named. */
final class RequestEncoder {

	private final JsonRpcCodec codec;

	private final RpcProtocol protocol;

	RequestEncoder(JsonRpcCodec codec, RpcProtocol protocol) {
		this.codec = codec;
		this.protocol = protocol;
	}

	/** A call, with the trace context a tracing handler put in the observation's carrier, if any. */
	byte[] call(long id, String method, Object params, Observation observation) {
		Map<String, String> traceContext = (observation.getContext() instanceof RpcClientObservationContext context
				&& context.getCarrier() != null) ? context.getCarrier() : Map.of();
		return encode(() -> this.codec.encodeRequest(this.protocol, RpcId.of(id), method, params, traceContext), method);
	}

	byte[] notification(String method, Object params) {
		return encode(() -> this.codec.encodeRequest(RpcProtocol.JSON_RPC_2, null, method, params), method);
	}

	/** A 2.0 batch: a {@code null} id is a notification. */
	byte[] batch(List<RpcId> ids, List<String> methods, List<Object> params) {
		return encode(() -> this.codec.encodeBatch(ids, methods, params), "a batch");
	}

	private static byte[] encode(Supplier<byte[]> encoding, String method) {
		try {
			return encoding.get();
		}
		catch (JacksonException ex) {
			throw new RpcException("cannot write the request of " + method + ": " + ex.getOriginalMessage(), ex);
		}
	}

}
