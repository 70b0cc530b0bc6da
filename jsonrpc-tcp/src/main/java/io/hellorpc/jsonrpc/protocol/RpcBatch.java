package io.hellorpc.jsonrpc.protocol;

import java.util.List;

/**
 * A JSON-RPC 2.0 batch: the calls of one array message, answered by one array (notifications left
 * out, nothing at all when all are notifications). Entries that are not valid requests are calls
 * whose {@link RpcRequest#invalid()} says why.
 *
 * @param calls the entries in the order they came
 */
public record RpcBatch(List<RpcRequest> calls) implements RpcMessage {

}
