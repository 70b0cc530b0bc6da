package io.hellorpc.jsonrpc.protocol;

/**
 * A JSON-RPC 2.0 request's {@code params} member written as given: {@code value} is the array (a
 * {@link java.util.List}) or the object (a {@link java.util.Map}) itself, not wrapped in an array
 * as a single param is; a {@code null} value leaves the member out.
 */
public record ParamsMember(Object value) {
}
