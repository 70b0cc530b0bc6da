package io.hellorpc.jsonrpc.protocol;

/**
 * The two dialects spoken on one port, chosen per message: Go's {@code net/rpc/jsonrpc} (the
 * default: {@code {"method","params","id"}} in, {@code {"id","result","error"}} out) and
 * JSON-RPC 2.0 (a message with {@code "jsonrpc":"2.0"}: error objects, batches, notifications,
 * named params).
 */
public enum RpcProtocol {

	/** Go's {@code net/rpc/jsonrpc}: the error is a string, every call is answered. */
	GO,

	/** JSON-RPC 2.0. */
	JSON_RPC_2;

	/** The {@code rpc.jsonrpc.version} OpenTelemetry records: "1.0" when the message names none. */
	public String version() {
		return (this == JSON_RPC_2) ? "2.0" : "1.0";
	}

}
