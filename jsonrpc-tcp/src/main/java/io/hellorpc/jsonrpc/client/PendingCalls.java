package io.hellorpc.jsonrpc.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import io.netty.util.Timer;

/**
 * A template's calls that are not settled yet, by id, each with its deadline on the process's
 * {@link CallDeadlines wheel} and, should the wheel ever miss one, under the
 * {@link OverdueCallSweeper}: at most {@code limit} of them, and none once closed. Every way a
 * call ends (reply, failure, deadline, close) goes through here, so the call leaves nothing
 * behind and is settled once.
 */
final class PendingCalls {

	private final Map<Long, PendingCall> calls = new ConcurrentHashMap<>();

	private final AtomicInteger count = new AtomicInteger();

	private final AtomicLong ids = new AtomicLong();

	private final int limit;

	private final String address;

	/** What a call that ran out of time fails with (the router knows whether it ever reached a server). */
	private final Function<PendingCall, RpcException> expiry;

	private final Timer deadlines;

	/** Makes the failure of every call once the template is closed; {@code null} while open. */
	private volatile Supplier<RpcException> closed;

	PendingCalls(int limit, String address, Function<PendingCall, RpcException> expiry) {
		this(limit, address, expiry, CallDeadlines.wheel());
	}

	/** With {@code deadlines} in place of the process's wheel (tests: a wheel that never fires). */
	PendingCalls(int limit, String address, Function<PendingCall, RpcException> expiry, Timer deadlines) {
		this.limit = limit;
		this.address = address;
		this.expiry = expiry;
		this.deadlines = deadlines;
		OverdueCallSweeper.watch(this);
	}

	/**
	 * Takes the call in and starts its deadline.
	 * @throws RpcException at once when the limit is reached or the template is closed
	 */
	void add(PendingCall call) {
		if (this.count.incrementAndGet() > this.limit) {
			this.count.decrementAndGet();
			throw new RpcException("RpcTemplate for " + this.address + " already waits for " + this.limit
					+ " replies, the limit of rpc.client.max-pending-calls");
		}
		this.calls.put(call.id, call);
		call.deadline(this.deadlines.newTimeout((timeout) -> expire(call), Math.max(0, call.deadlineNanos - System.nanoTime()),
				TimeUnit.NANOSECONDS));
		Supplier<RpcException> closed = this.closed;
		if (closed != null) {
			// close() ran meanwhile and may not have seen this call: it fails so too.
			fail(call, closed.get());
			throw closed.get();
		}
	}

	/** A new call id, never used before by this template. */
	long nextId() {
		return this.ids.getAndIncrement();
	}

	/** The call with that id, left in; {@code null} if none waits. */
	PendingCall get(long id) {
		return this.calls.get(id);
	}

	/** The call with that id, taken out; {@code null} if none waits (timed out, or not ours). */
	PendingCall take(long id) {
		PendingCall call = this.calls.remove(id);
		if (call != null) {
			this.count.decrementAndGet();
		}
		return call;
	}

	/** Settles the call with a failure, if it is still pending. */
	void fail(PendingCall call, RpcException failure) {
		if (remove(call)) {
			call.settle(failure);
		}
	}

	/**
	 * On the deadline wheel's thread (or the sweeper's): the call is taken out first, so that it
	 * expires once whoever gets there. A blocking caller is woken here, but an async call's
	 * failure is handed off, since completing it runs the template's executor, user code that
	 * might block the wheel and with it every deadline of the process.
	 * @return whether this expired it (it was still pending)
	 */
	private boolean expire(PendingCall call) {
		if (!remove(call)) {
			return false;
		}
		RpcException failure = this.expiry.apply(call);
		if (call.isAsync()) {
			ForkJoinPool.commonPool().execute(() -> call.settle(failure));
		}
		else {
			call.settle(failure);
		}
		return true;
	}

	/**
	 * Times out, as the wheel would have, every call whose deadline passed before {@code cutoffNanos}
	 * (a {@link System#nanoTime()}); the number of them, which is 0 while the wheel works.
	 */
	int expireOverdue(long cutoffNanos) {
		int overdue = 0;
		for (PendingCall call : this.calls.values()) {
			if (call.deadlineNanos - cutoffNanos < 0 && expire(call)) {
				overdue++;
			}
		}
		return overdue;
	}

	/** Settles a notification once written: no reply comes for it. */
	void written(PendingCall call) {
		if (remove(call)) {
			call.settle(PendingCall.WRITTEN);
		}
	}

	/** Every call waiting now that matches (a snapshot of a moving set: each may settle meanwhile). */
	List<PendingCall> matching(Predicate<PendingCall> which) {
		List<PendingCall> matching = new ArrayList<>();
		for (PendingCall call : this.calls.values()) {
			if (which.test(call)) {
				matching.add(call);
			}
		}
		return matching;
	}

	/** Fails every matching call with the failure made for it. */
	void failAll(Predicate<PendingCall> which, Function<PendingCall, RpcException> failure) {
		for (PendingCall call : this.calls.values()) {
			if (which.test(call)) {
				RpcException made = failure.apply(call); // before it leaves the map: nothing may come between
				if (remove(call)) {
					call.settle(made);
				}
			}
		}
	}

	/** Fails every call with {@code failure}, and every call added from now on. */
	void close(Supplier<RpcException> failure) {
		this.closed = failure;
		failAll((call) -> true, (call) -> failure.get());
	}

	int size() {
		return this.count.get();
	}

	private boolean remove(PendingCall call) {
		if (this.calls.remove(call.id, call)) {
			this.count.decrementAndGet();
			return true;
		}
		return false;
	}

}
