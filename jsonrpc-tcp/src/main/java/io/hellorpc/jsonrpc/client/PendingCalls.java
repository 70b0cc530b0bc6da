package io.hellorpc.jsonrpc.client;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A template's calls that have not been settled, by id. Deadlines are kept by one periodic sweep
 * over them (not a timer task per call); a reply, a failure or the sweep each remove the call, so
 * that nothing of it is left behind.
 */
final class PendingCalls {

	private final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();

	void add(PendingCall call) {
		this.calls.put(call.id, call);
	}

	/** The call with that id, taken out; {@code null} if none waits (timed out, or not ours). */
	PendingCall take(long id) {
		return this.calls.remove(id);
	}

	/** Settles the call with a failure, if it is still pending. */
	void fail(PendingCall call, RpcException failure) {
		if (this.calls.remove(call.id, call)) {
			call.settle(failure);
		}
	}

	void remove(PendingCall call) {
		this.calls.remove(call.id, call);
	}

	/** Times out every call past its deadline. */
	void sweep(long nowNanos) {
		for (PendingCall call : this.calls.values()) {
			if (nowNanos - call.deadlineNanos >= 0 && this.calls.remove(call.id, call)) {
				call.settle(call.timeout());
			}
		}
	}

	/** Fails every matching call with the failure made for it. */
	void failAll(Predicate<PendingCall> which, Function<PendingCall, RpcException> failure) {
		for (PendingCall call : this.calls.values()) {
			if (which.test(call) && this.calls.remove(call.id, call)) {
				call.settle(failure.apply(call));
			}
		}
	}

	int size() {
		return this.calls.size();
	}

}
