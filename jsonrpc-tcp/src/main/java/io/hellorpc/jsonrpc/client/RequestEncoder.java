package io.hellorpc.jsonrpc.client;

import java.util.ArrayList;
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
		Object written = written(method, params);
		return encode(() -> this.codec.encodeRequest(this.protocol, RpcId.of(id), method, written, traceContext), method);
	}

	byte[] notification(String method, Object params) {
		Object written = written(method, params);
		return encode(() -> this.codec.encodeRequest(RpcProtocol.JSON_RPC_2, null, method, written), method);
	}

	/** A 2.0 batch: a {@code null} id is a notification. */
	byte[] batch(List<RpcId> ids, List<String> methods, List<Object> params) {
		List<Object> written = new ArrayList<>(params.size());
		for (int i = 0; i < params.size(); i++) {
			written.add(written(methods.get(i), params.get(i)));
		}
		return encode(() -> this.codec.encodeBatch(ids, methods, written), "a batch");
	}

	/** {@link RpcParams} as the params member itself (2.0 only); any other object is the one param. */
	private Object written(String method, Object params) {
		if (!(params instanceof RpcParams spelled)) {
			return params;
		}
		if (this.protocol != RpcProtocol.JSON_RPC_2) {
			throw new IllegalArgumentException("cannot call " + method + " with " + spelled
					+ ": Go's net/rpc dialect carries exactly one param; pass it alone, or build the template with protocol JSON_RPC_2");
		}
		return spelled.member();
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
