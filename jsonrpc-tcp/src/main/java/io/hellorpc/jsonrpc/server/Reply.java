package io.hellorpc.jsonrpc.server;

import java.util.List;

import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.protocol.RpcRequest;

/**
 * The answer to one message read, travelling outbound to {@link RpcMessageCodec} to be written:
 * every message read gets exactly one, even when nothing is written for it (a notification).
 */
sealed interface Reply {

	/** The reply to one call; nothing is written for a notification. */
	record ToCall(RpcRequest request, RpcOutcome outcome) implements Reply {

	}

	/** The array answering a batch; nothing is written when all its calls were notifications. */
	record ToBatch(List<RpcRequest> calls, List<RpcOutcome> outcomes) implements Reply {

	}

}
