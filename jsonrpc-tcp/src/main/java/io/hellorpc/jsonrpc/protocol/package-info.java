/**
 * The wire format, shared by the server and the client: framing, both dialects' messages, Go's
 * JSON. Not API: these types are public only because two packages use them, and may change in any
 * release; applications touch {@link io.hellorpc.jsonrpc.protocol.GoJson} (to make a mapper like
 * ours) and {@link io.hellorpc.jsonrpc.protocol.RpcError}'s codes at most.
 */
package io.hellorpc.jsonrpc.protocol;
