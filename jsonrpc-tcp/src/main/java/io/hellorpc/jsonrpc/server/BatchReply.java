package io.hellorpc.jsonrpc.server;

import java.util.Arrays;
import java.util.List;

import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.protocol.RpcRequest;

/** Collects a batch's outcomes as its calls finish, in any order; touched on the event loop only. */
final class BatchReply {

	private final List<RpcRequest> calls;

	private final RpcOutcome[] outcomes;

	private int left;

	BatchReply(List<RpcRequest> calls) {
		this.calls = calls;
		this.outcomes = new RpcOutcome[calls.size()];
		this.left = calls.size();
	}

	List<RpcRequest> calls() {
		return this.calls;
	}

	/** Records one outcome; the whole reply once it was the last, else {@code null}. */
	Reply.ToBatch answered(int index, RpcOutcome outcome) {
		this.outcomes[index] = outcome;
		return (--this.left == 0) ? new Reply.ToBatch(this.calls, Arrays.asList(this.outcomes)) : null;
	}

}
