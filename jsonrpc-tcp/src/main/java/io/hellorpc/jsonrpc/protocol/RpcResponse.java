package io.hellorpc.jsonrpc.protocol;

import tools.jackson.databind.JsonNode;

/**
 * A reply as read from the wire: {@code {"id":0,"result":value,"error":null}}.
 *
 * @param id the id of the call it answers
 * @param result the result, or {@code null} on failure
 * @param error the error text, or {@code null} on success
 */
public record RpcResponse(RpcId id, JsonNode result, String error) {
}
