package io.hellorpc.jsonrpc.protocol;

import java.util.List;
import java.util.Map;

/**
 * A call as read from the wire: {@code {"method":"Service.Method","params":[value],"id":0}}, with
 * {@code "jsonrpc":"2.0"} in the second dialect.
 *
 * @param id the id to echo back ({@link RpcId#NULL} when it had none)
 * @param method {@code Service.Method}, or {@code ""} when the message had none
 * @param params the params value's bytes as sent (an array, or in 2.0 an object), or {@code null};
 * {@link RawJson#asTree()} reads them as a tree
 * @param protocol the dialect to answer in
 * @param notification a JSON-RPC 2.0 call without an id: run, never answered
 * @param invalid why the message is not a valid request (answered with this error, not run), or
 * {@code null}
 * @param traceContext the W3C trace context members the caller sent ({@code traceparent},
 * {@code tracestate}), empty when none: extra members of the request object, which Go's decoder
 * ignores as it ignores every unknown field
 */
public record RpcRequest(RpcId id, String method, RawJson params, RpcProtocol protocol, boolean notification,
		RpcError invalid, Map<String, String> traceContext) implements RpcMessage {

	/** The request members that carry the trace context, as W3C Trace Context names its headers. */
	public static final List<String> TRACE_CONTEXT_MEMBERS = List.of("traceparent", "tracestate");

	/** A call in Go's dialect. */
	public RpcRequest(RpcId id, String method, RawJson params) {
		this(id, method, params, RpcProtocol.GO, false, null, Map.of());
	}

	/** A request without trace context. */
	public RpcRequest(RpcId id, String method, RawJson params, RpcProtocol protocol, boolean notification,
			RpcError invalid) {
		this(id, method, params, protocol, notification, invalid, Map.of());
	}

}
