package io.hellorpc.jsonrpc.server;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.List;

import io.hellorpc.jsonrpc.protocol.RpcBatch;
import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.protocol.RpcRequest;
import io.hellorpc.jsonrpc.server.ReadSwitch.Hold;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Which calls may run: at most {@code max-calls-in-flight-per-connection} at once, a batch's
 * entries counted one by one; the rest wait in order, and while any wait the connection is not
 * read (backpressure, no call fails). A batch over {@code max-batch-size} is refused whole. Turns
 * each call's {@link Call.Answer} into the {@link Reply} of the message it came in, a batch's once
 * its last entry is answered. Once its connection reached {@code max-connection-age}
 * ({@link ConnectionCloser#AGED}), each call read is answered at once as not started, and not run;
 * once the connection is cut ({@link ConnectionCloser#GONE}), calls still waiting never start.
 * Event loop only.
 */
final class CallAdmission extends ChannelDuplexHandler {

	private static final RpcOutcome AGED = RpcOutcome
		.failure(RpcError.of(RpcError.CALL_NOT_STARTED, RpcErrors.connectionAged()));

	private final int maxCallsInFlight;

	private final int maxBatchSize;

	private final ArrayDeque<Call> waiting = new ArrayDeque<>();

	private int running;

	private boolean closed;

	/** Whether calls read are refused unrun: the connection reached its max-connection-age. */
	private boolean refusing;

	/** Whether calls are being started: a call answered at once (event-loop mode) must not start the next one deeper in the stack. */
	private boolean starting;

	CallAdmission(int maxCallsInFlight, int maxBatchSize) {
		this.maxCallsInFlight = maxCallsInFlight;
		this.maxBatchSize = maxBatchSize;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.refusing && (msg instanceof RpcRequest || msg instanceof RpcBatch)) {
			refuse(ctx, msg);
			return;
		}
		if (msg instanceof RpcRequest request) {
			this.waiting.add(new Call(request, null, 0));
		}
		else if (msg instanceof RpcBatch batch) {
			admit(ctx, batch);
		}
		else {
			ctx.fireChannelRead(msg);
			return;
		}
		startWaiting(ctx);
	}

	private void admit(ChannelHandlerContext ctx, RpcBatch batch) {
		List<RpcRequest> calls = batch.calls();
		if (calls.size() > this.maxBatchSize) {
			ctx.writeAndFlush(new Reply.ToCall(RpcMessageCodec.UNREADABLE_2_0, RpcOutcome.failure(
					RpcError.of(RpcError.INVALID_REQUEST, RpcErrors.batchTooLarge(calls.size(), this.maxBatchSize)))),
					ctx.voidPromise());
			return;
		}
		BatchReply reply = new BatchReply(calls);
		for (int i = 0; i < calls.size(); i++) {
			this.waiting.add(new Call(calls.get(i), reply, i));
		}
	}

	/** Answers at once, as not started: nothing is run (a notification gets nothing, as ever). */
	private void refuse(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof RpcRequest request) {
			ctx.writeAndFlush(new Reply.ToCall(request, AGED), ctx.voidPromise());
			return;
		}
		List<RpcRequest> calls = ((RpcBatch) msg).calls();
		if (calls.size() > this.maxBatchSize) {
			admit(ctx, (RpcBatch) msg); // the same refusal as ever: too large
			return;
		}
		ctx.writeAndFlush(new Reply.ToBatch(calls, Collections.nCopies(calls.size(), AGED)), ctx.voidPromise());
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event == ConnectionCloser.AGED) {
			this.refusing = true;
		}
		else if (event == ConnectionCloser.GONE) {
			this.refusing = true;
			this.waiting.clear();
			ReadSwitch.of(ctx.channel()).set(Hold.CALLS_WAITING, false);
		}
		ctx.fireUserEventTriggered(event);
	}

	/** Starts waiting calls while there are slots; the connection is read again once none wait. */
	private void startWaiting(ChannelHandlerContext ctx) {
		if (this.starting) {
			return;
		}
		this.starting = true;
		try {
			while (!this.waiting.isEmpty() && this.running < this.maxCallsInFlight) {
				this.running++;
				ctx.fireChannelRead(this.waiting.poll());
			}
		}
		finally {
			this.starting = false;
		}
		ReadSwitch.of(ctx.channel()).set(Hold.CALLS_WAITING, !this.waiting.isEmpty());
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof Call.Answer answer)) {
			ctx.write(msg, promise);
			return;
		}
		if (this.closed) {
			promise.trySuccess(); // the answer has nowhere to go
			return;
		}
		this.running--;
		Call call = answer.call();
		Reply reply = (call.batch() == null) ? new Reply.ToCall(call.request(), answer.outcome())
				: call.batch().answered(call.index(), answer.outcome());
		if (reply != null) {
			ctx.writeAndFlush(reply, promise);
		}
		else {
			promise.trySuccess();
		}
		startWaiting(ctx);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.closed = true;
		this.waiting.clear();
		ctx.fireChannelInactive();
	}

}
