package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.protocol.RpcRequest;

/**
 * One call admitted to run, travelling from {@link CallAdmission} to {@link CallRunner}; a batch
 * entry knows its batch and its place in it.
 *
 * @param request the call
 * @param batch the batch it belongs to, or {@code null} for a call on its own
 * @param index its place in the batch
 */
record Call(RpcRequest request, BatchReply batch, int index) {

	/** A call's outcome, travelling back from {@link CallRunner} (outbound) to {@link CallAdmission}. */
	record Answer(Call call, RpcOutcome outcome) {

	}

}
