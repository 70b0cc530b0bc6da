package io.hellorpc.jsonrpc.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.LockSupport;

import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.netty.util.Timeout;

/**
 * One call from the moment it is made until it is answered, fails or runs out of time; whichever
 * comes first wins and the rest are ignored. A blocking caller parks until then (woken directly,
 * no hand-off); an async caller's future is completed on the template's executor, so that no
 * callback ever runs on the I/O thread.
 */
final class PendingCall implements Outgoing {

	private static final VarHandle OUTCOME;

	private static final VarHandle CONNECTION;

	/** The outcome of a notification: written, and no reply is coming. */
	static final RpcResponse WRITTEN = new RpcResponse(RpcId.NULL, null, null);

	static {
		try {
			OUTCOME = MethodHandles.lookup().findVarHandle(PendingCall.class, "outcome", Object.class);
			CONNECTION = MethodHandles.lookup().findVarHandle(PendingCall.class, "connection", RpcClientConnection.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	final long id;

	final String method;

	/** The encoded request, newline included: written as is (empty for a call sent inside a batch). */
	private final byte[] request;

	/** A JSON-RPC 2.0 notification: settled once written, since no reply comes. */
	final boolean notification;

	final long deadlineNanos;

	private final long timeoutMillis;

	private final String address;

	/** Where an async call's future is completed; {@code null} for a blocking call. */
	private final Executor executor;

	private final CompletableFuture<RpcResponse> future;

	private final Thread waiter;

	/**
	 * Whether it may be sent again after its connection died before the reply (an idempotent
	 * method); a call the server refused unrun may always be.
	 */
	final boolean idempotent;

	/**
	 * The connection it is handed to now, so that a dropped connection settles just its own calls
	 * and counts its calls in flight; {@code null} while it waits for a server, and once settled.
	 */
	private volatile RpcClientConnection connection;

	/** Its place in the write order of its connection once written there, {@code -1} before. Event loop. */
	private volatile long wireSequence = -1;

	/** How many times it was written (to one connection or another). */
	private volatile int attempts;

	/** The batch it goes with, if any: it can only be sent again with it. */
	private volatile BatchOutgoing batch;

	/** Its entry on the deadline wheel, cancelled when it settles. */
	private volatile Timeout deadline;

	/** {@code null} while pending, then the {@link RpcResponse} or the {@link RpcException}. */
	private volatile Object outcome;

	private PendingCall(long id, String method, byte[] request, boolean notification, boolean idempotent,
			long deadlineNanos, long timeoutMillis, String address, Executor executor, CompletableFuture<RpcResponse> future,
			Thread waiter) {
		this.id = id;
		this.idempotent = idempotent;
		this.method = method;
		this.request = request;
		this.notification = notification;
		this.deadlineNanos = deadlineNanos;
		this.timeoutMillis = timeoutMillis;
		this.address = address;
		this.executor = executor;
		this.future = future;
		this.waiter = waiter;
	}

	/** A call whose caller waits in {@link #await}. */
	static PendingCall blocking(long id, String method, byte[] request, boolean notification, boolean idempotent,
			long deadlineNanos, long timeoutMillis, String address) {
		return new PendingCall(id, method, request, notification, idempotent, deadlineNanos, timeoutMillis, address, null,
				null, Thread.currentThread());
	}

	/** A call whose outcome completes {@code future} on {@code executor}. */
	static PendingCall async(long id, String method, byte[] request, boolean notification, boolean idempotent,
			long deadlineNanos, long timeoutMillis, String address, Executor executor, CompletableFuture<RpcResponse> future) {
		return new PendingCall(id, method, request, notification, idempotent, deadlineNanos, timeoutMillis, address,
				executor, future, null);
	}

	@Override
	public byte[] bytes() {
		return this.request;
	}

	@Override
	public List<PendingCall> calls() {
		return List.of(this);
	}

	@Override
	public boolean settled() {
		return this.outcome != null;
	}

	/** Counted in flight on {@code connection} (and no longer on the one it was on), until settled or moved. */
	@Override
	public void boundTo(RpcClientConnection connection) {
		this.wireSequence = -1;
		connection.callBound();
		RpcClientConnection previous = (RpcClientConnection) CONNECTION.getAndSet(this, connection);
		if (previous != null) {
			previous.callLeft();
		}
		if (settled()) {
			unbind(); // settled meanwhile: settle may have run before this binding and not seen it
		}
	}

	/** On no connection: settled, or waiting for a server. */
	void unbind() {
		RpcClientConnection previous = (RpcClientConnection) CONNECTION.getAndSet(this, null);
		if (previous != null) {
			previous.callLeft();
		}
	}

	/**
	 * Off {@code from}, if it is still there: {@code false} when it moved to another connection
	 * or settled meanwhile, so that only one of the racing parties sends it on.
	 */
	boolean detach(RpcClientConnection from) {
		if (CONNECTION.compareAndSet(this, from, null)) {
			from.callLeft();
			return true;
		}
		return false;
	}

	/** The batch it was sent in, {@code null} for a call of its own. */
	BatchOutgoing batch() {
		return this.batch;
	}

	void inBatch(BatchOutgoing batch) {
		this.batch = batch;
	}

	RpcClientConnection connection() {
		return this.connection;
	}

	@Override
	public void onWire(long sequence) {
		this.wireSequence = sequence;
		this.attempts++; // event loop of its one connection at a time
	}

	/** Whether its bytes went to {@code connection}'s socket (so the server may have run it). */
	boolean writtenTo(RpcClientConnection connection) {
		return this.connection == connection && this.wireSequence >= 0;
	}

	long wireSequence() {
		return this.wireSequence;
	}

	int attempts() {
		return this.attempts;
	}

	/** Whether it can be written again alone: a call inside a batch only goes with its batch. */
	boolean resendable() {
		return this.request.length > 0;
	}

	@Override
	public void written(PendingCalls calls) {
		if (this.notification) {
			calls.written(this);
		}
	}

	/** Whether its outcome completes a future (on the template's executor) rather than wake a waiting thread. */
	boolean isAsync() {
		return this.future != null;
	}

	void deadline(Timeout deadline) {
		this.deadline = deadline;
		if (settled()) {
			deadline.cancel();
		}
	}

	/**
	 * Settles the call with a reply or a failure; {@code false} if it was settled already. Only
	 * {@link PendingCalls} calls it, once the call is out of its map, and an interrupted caller for
	 * itself.
	 */
	boolean settle(Object result) {
		if (!OUTCOME.compareAndSet(this, null, result)) {
			return false;
		}
		Timeout deadline = this.deadline;
		if (deadline != null) {
			deadline.cancel();
		}
		unbind();
		if (this.future == null) {
			LockSupport.unpark(this.waiter);
		}
		else {
			try {
				this.executor.execute(this::completeFuture);
			}
			catch (RuntimeException ex) {
				// The template's executor is shut down (closing) or broken: still never the I/O thread.
				ForkJoinPool.commonPool().execute(this::completeFuture);
			}
		}
		return true;
	}

	long timeoutMillis() {
		return this.timeoutMillis;
	}

	RpcTimeoutException timeout() {
		return new RpcTimeoutException(this.method + " to " + this.address + " got no reply within " + this.timeoutMillis + " ms");
	}

	/**
	 * Waits for the outcome: the reply, a failure, or the timeout the deadline wheel settles (or,
	 * should the wheel miss it, the {@link OverdueCallSweeper} one to two seconds later). The park is not
	 * timed: on a virtual thread a timed park costs two wakes of the JDK's delay scheduler a call
	 * (bench: 80 against 38 µs of client CPU a call at 1 x 1). An interrupt ends the wait: the call
	 * fails, and the thread keeps its interrupt status.
	 */
	RpcResponse await(PendingCalls calls) {
		Object result;
		while ((result = this.outcome) == null) {
			LockSupport.park(this);
			if (Thread.interrupted()) {
				RpcException interrupted = new RpcException("interrupted while waiting for the reply of " + this.method);
				calls.fail(this, interrupted);
				settle(interrupted); // out of the map already and about to settle: the interrupt wins all the same
				Thread.currentThread().interrupt();
			}
		}
		if (result instanceof RpcException failure) {
			// Thrown on the caller's thread: its stack is the useful one.
			failure.fillInStackTrace();
			throw failure;
		}
		return (RpcResponse) result;
	}

	private void completeFuture() {
		Object result = this.outcome;
		if (result instanceof RpcException failure) {
			this.future.completeExceptionally(failure);
		}
		else {
			this.future.complete((RpcResponse) result);
		}
	}

}
