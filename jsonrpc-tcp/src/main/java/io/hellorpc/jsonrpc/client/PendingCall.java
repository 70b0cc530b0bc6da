package io.hellorpc.jsonrpc.client;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

import io.hellorpc.jsonrpc.protocol.RpcResponse;

/**
 * One call from the moment it is made until it is answered, fails or runs out of time; whichever
 * comes first wins and the rest are ignored. A blocking caller parks until then (woken directly,
 * no hand-off); an async caller's future is completed on the template's executor, so that no
 * callback ever runs on the I/O thread.
 */
final class PendingCall implements Outgoing {

	private static final VarHandle OUTCOME;

	/** The outcome of a notification: written, and no reply is coming. */
	static final RpcResponse WRITTEN = new RpcResponse(io.hellorpc.jsonrpc.protocol.RpcId.NULL, null, null);

	static {
		try {
			OUTCOME = MethodHandles.lookup().findVarHandle(PendingCall.class, "outcome", Object.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	final long id;

	final String method;

	/** The encoded request, newline included: written as is (empty for a call sent inside a batch). */
	final byte[] request;

	/** A JSON-RPC 2.0 notification: settled once written, since no reply comes. */
	final boolean notification;

	final long deadlineNanos;

	private final long timeoutMillis;

	private final String address;

	/** Where an async call's future is completed; {@code null} for a blocking call. */
	private final Executor executor;

	private final CompletableFuture<RpcResponse> future;

	private final Thread waiter;

	/** The connection it was handed to, so that a dropped connection fails just its own calls. */
	volatile RpcClientConnection connection;

	/** {@code null} while pending, then the {@link RpcResponse} or the {@link RpcException}. */
	private volatile Object outcome;

	private PendingCall(long id, String method, byte[] request, boolean notification, long deadlineNanos,
			long timeoutMillis, String address, Executor executor, CompletableFuture<RpcResponse> future, Thread waiter) {
		this.id = id;
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

	/** A call whose caller waits in {@link #await()}. */
	static PendingCall blocking(long id, String method, byte[] request, boolean notification, long deadlineNanos,
			long timeoutMillis, String address) {
		return new PendingCall(id, method, request, notification, deadlineNanos, timeoutMillis, address, null, null,
				Thread.currentThread());
	}

	/** A call whose outcome completes {@code future} on {@code executor}. */
	static PendingCall async(long id, String method, byte[] request, boolean notification, long deadlineNanos,
			long timeoutMillis, String address, Executor executor, CompletableFuture<RpcResponse> future) {
		return new PendingCall(id, method, request, notification, deadlineNanos, timeoutMillis, address, executor,
				future, null);
	}

	@Override
	public byte[] bytes() {
		return this.request;
	}

	@Override
	public boolean cancelled() {
		return isDone();
	}

	@Override
	public void boundTo(RpcClientConnection connection) {
		this.connection = connection;
	}

	@Override
	public void written(PendingCalls calls) {
		if (this.notification) {
			calls.remove(this);
			settle(WRITTEN);
		}
	}

	boolean isDone() {
		return this.outcome != null;
	}

	/** Settles the call with a reply or a failure; {@code false} if it was settled already. */
	boolean settle(Object result) {
		if (!OUTCOME.compareAndSet(this, null, result)) {
			return false;
		}
		if (this.future == null) {
			LockSupport.unpark(this.waiter);
		}
		else {
			try {
				this.executor.execute(this::completeFuture);
			}
			catch (RejectedExecutionException ex) {
				// The template's executor is shut down (closing): still never the I/O thread.
				ForkJoinPool.commonPool().execute(this::completeFuture);
			}
		}
		return true;
	}

	RpcTimeoutException timeout() {
		return new RpcTimeoutException(this.method + " to " + this.address + " got no reply within " + this.timeoutMillis + " ms");
	}

	/**
	 * Waits for the outcome: the reply, a failure, or the timeout that the template's deadline sweep
	 * settles. The park has no timeout of its own, since a timed park costs a virtual thread a timer
	 * task per call. An interrupt ends the wait: the call is settled as failed, {@code abandon}
	 * removes what is left of it, and the thread keeps its interrupt status.
	 */
	RpcResponse await(Runnable abandon) {
		Object result;
		while ((result = this.outcome) == null) {
			LockSupport.park(this);
			if (Thread.interrupted()) {
				settle(new RpcException("interrupted while waiting for the reply of " + this.method));
				abandon.run();
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
