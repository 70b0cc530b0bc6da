package io.hellorpc.jsonrpc.protocol;

import tools.jackson.databind.JsonNode;

/**
 * A call as read from the wire: {@code {"method":"Service.Method","params":[value],"id":0}}.
 *
 * @param id the id to echo back
 * @param method {@code Service.Method}, or {@code null} when the message had none
 * @param params the params value as sent (normally an array holding one value), or {@code null}
 */
public record RpcRequest(RpcId id, String method, JsonNode params) {
}
