package io.hellorpc.jsonrpc.server;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Runs each admitted {@link Call} off the event loop (in place when its method is
 * {@link RpcNonBlocking} and call-threads is auto, see {@link RpcDispatcher#runsInPlace}) and sends its {@link Call.Answer} back,
 * exactly once whatever happens: the method's outcome, an internal error, the call-timeout's
 * error (the method's thread is then interrupted and its late result dropped), or, when the call
 * executor refuses work (Spring shuts {@code applicationTaskExecutor} down as the context closes,
 * before the listener drains), the call runs on the server's own pool instead.
 */
final class CallRunner extends ChannelInboundHandlerAdapter {

	private static final Log logger = LogFactory.getLog(CallRunner.class);

	private final RpcDispatcher dispatcher;

	private final Executor executor;

	private final Executor fallback;

	private final RpcServerActivity activity;

	/** {@code null}: no server-side deadline. */
	private final Duration callTimeout;

	/** Whether {@link RpcNonBlocking} methods run in place ({@code rpc.server.call-threads=auto}). */
	private final boolean nonBlockingInPlace;

	/**
	 * @param fallback where calls run when {@code executor} refuses them
	 * @param callTimeout the server-side deadline, or {@code null} for none
	 * @param nonBlockingInPlace whether {@link RpcNonBlocking} methods run on the event loop
	 */
	CallRunner(RpcDispatcher dispatcher, Executor executor, Executor fallback, RpcServerActivity activity,
			Duration callTimeout, boolean nonBlockingInPlace) {
		this.dispatcher = dispatcher;
		this.executor = executor;
		this.fallback = fallback;
		this.activity = activity;
		this.callTimeout = callTimeout;
		this.nonBlockingInPlace = nonBlockingInPlace;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (!(msg instanceof Call call)) {
			ctx.fireChannelRead(msg);
			return;
		}
		// Decided first: nothing below may throw once the call is counted and its deadline set.
		boolean inPlace = this.nonBlockingInPlace && this.dispatcher.runsInPlace(call.request());
		RunningCall running = new RunningCall(ctx, call);
		this.activity.callsStarted(1);
		if (this.callTimeout != null) {
			running.deadline = ctx.executor().schedule(running::timedOut, this.callTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		if (inPlace) {
			running.run();
			return;
		}
		try {
			this.executor.execute(running);
		}
		catch (RejectedExecutionException ex) {
			try {
				this.fallback.execute(running);
			}
			catch (RejectedExecutionException stopped) {
				running.answer(RpcOutcome.failure(RpcError.of(RpcError.CALL_NOT_STARTED, RpcErrors.shuttingDown())));
			}
		}
	}

	/** One call on its way: whichever of its outcome and its deadline comes first answers it. */
	private final class RunningCall implements Runnable {

		private final ChannelHandlerContext ctx;

		private final Call call;

		private final AtomicBoolean answered = new AtomicBoolean();

		private ScheduledFuture<?> deadline;

		/** The thread running the method, while it runs (not an event loop); guarded by {@code this}. */
		private Thread thread;

		RunningCall(ChannelHandlerContext ctx, Call call) {
			this.ctx = ctx;
			this.call = call;
		}

		@Override
		public void run() {
			if (this.answered.get()) {
				return;
			}
			boolean onEventLoop = this.ctx.executor().inEventLoop();
			synchronized (this) {
				this.thread = onEventLoop ? null : Thread.currentThread();
			}
			CompletableFuture<RpcOutcome> future;
			try {
				future = CallRunner.this.dispatcher.call(this.call.request(), this.ctx.channel());
			}
			catch (Throwable ex) {
				future = CompletableFuture.completedFuture(internalError(ex));
			}
			finally {
				synchronized (this) {
					this.thread = null;
				}
			}
			future.whenComplete((done, failure) -> answer((failure == null) ? done : internalError(failure)));
		}

		void timedOut() {
			if (!answer(RpcOutcome.failure(RpcError.of(RpcError.CALL_TIMEOUT, RpcErrors.callTimedOut(
					DurationText.of(CallRunner.this.callTimeout)))))) {
				return;
			}
			// The method's own result, when it comes, is dropped (its observation still ends with it).
			synchronized (this) {
				if (this.thread != null) {
					this.thread.interrupt();
				}
			}
		}

		private RpcOutcome internalError(Throwable failure) {
			CallRunner.this.activity.internalError();
			logger.warn("Internal error answering " + this.call.request().method(), failure);
			return RpcOutcome.failure(RpcError.of(RpcError.INTERNAL_ERROR, RpcErrors.internalError()));
		}

		/** Sends the answer back on the event loop, unless the call was answered already. */
		boolean answer(RpcOutcome result) {
			if (!this.answered.compareAndSet(false, true)) {
				return false;
			}
			// Counted here, not where the answer lands: a connection gone meanwhile takes its pipeline with it.
			CallRunner.this.activity.callsFinished(1);
			if (this.deadline != null) {
				this.deadline.cancel(false);
			}
			Call.Answer answer = new Call.Answer(this.call, result);
			if (this.ctx.executor().inEventLoop()) {
				this.ctx.writeAndFlush(answer, this.ctx.voidPromise());
				return true;
			}
			try {
				this.ctx.executor().execute(() -> this.ctx.writeAndFlush(answer, this.ctx.voidPromise()));
			}
			catch (RejectedExecutionException ex) {
				// Cut off by a forced stop: the connection is gone, and so is its event loop.
			}
			return true;
		}

	}

}
