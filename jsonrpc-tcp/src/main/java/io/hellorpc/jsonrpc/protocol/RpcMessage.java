package io.hellorpc.jsonrpc.protocol;

/** What one frame from a peer holds: one call, or (JSON-RPC 2.0) a batch of them. */
public sealed interface RpcMessage permits RpcRequest, RpcBatch {

}
