package io.hellorpc.jsonrpc.protocol;

import tools.jackson.databind.JsonNode;

/**
 * A reply as read from the wire: {@code {"id":0,"result":value,"error":null}}, or in JSON-RPC 2.0
 * {@code {"jsonrpc":"2.0","error":{"code":…,"message":…,"data":…},"id":0}}.
 *
 * @param id the id of the call it answers
 * @param result the result's bytes as sent, or {@code null} on failure or a {@code null} result
 * @param error the error text, or {@code null} on success
 * @param code the JSON-RPC 2.0 error code, or {@code null} (Go's dialect has none)
 * @param data the JSON-RPC 2.0 error data, or {@code null}
 */
public record RpcResponse(RpcId id, RawJson result, String error, Integer code, JsonNode data) {

	/** A reply in Go's dialect. */
	public RpcResponse(RpcId id, RawJson result, String error) {
		this(id, result, error, null, null);
	}

}
