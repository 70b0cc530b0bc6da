/**
 * OpenRPC discovery: the document a JSON-RPC 2.0 {@code rpc.discover} call is answered with
 * ({@link io.hellorpc.jsonrpc.server.openrpc.OpenRpcDocument}), generated once from the
 * {@link io.hellorpc.jsonrpc.server.RpcServiceRegistry}; its JSON Schemas come from victools'
 * generator and its Jackson module on the codec's own mapper, so that they name properties as
 * the wire does. The generator's configuration is package-private.
 */
package io.hellorpc.jsonrpc.server.openrpc;
