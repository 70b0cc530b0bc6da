package io.hellorpc.jsonrpc.client;

import java.util.List;

/** A JSON-RPC 2.0 batch: one message carrying several calls, each settled by its own reply. */
final class BatchOutgoing implements Outgoing {

	private final byte[] bytes;

	private final List<PendingCall> calls;

	BatchOutgoing(byte[] bytes, List<PendingCall> calls) {
		this.bytes = bytes;
		this.calls = calls;
		calls.forEach((call) -> call.inBatch(this));
	}

	/** Whether none of its calls is settled yet: only then can it be sent again whole, running nothing twice. */
	boolean untouched() {
		return this.calls.stream().noneMatch(PendingCall::settled);
	}

	@Override
	public byte[] bytes() {
		return this.bytes;
	}

	@Override
	public List<PendingCall> calls() {
		return this.calls;
	}

	@Override
	public void onWire(long sequence) {
		this.calls.forEach((call) -> call.onWire(sequence));
	}

	@Override
	public boolean settled() {
		return this.calls.stream().allMatch(PendingCall::settled);
	}

	@Override
	public void boundTo(RpcClientConnection connection) {
		this.calls.forEach((call) -> call.boundTo(connection));
	}

	@Override
	public void written(PendingCalls pending) {
		this.calls.forEach((call) -> call.written(pending));
	}

}
