package io.hellorpc.jsonrpc.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.MalformedMessageException;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcBatch;
import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.protocol.RpcMessage;
import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.protocol.RpcRequest;
import io.hellorpc.jsonrpc.server.RpcServerActivity.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One connection's calls: reads each framed request, hands it to the handler executor, and writes
 * its reply when ready, so calls on one connection run concurrently and answer in any order.
 * The connection is not read (and no waiting call starts) while {@code maxCallsInFlight} calls run
 * or while its replies pile up unread past the outbound high-water mark, so a peer that never
 * reads holds a bounded amount of memory. Bad input gets an error reply, then the connection is
 * closed once the calls it already sent are answered.
 * <p>
 * All state is touched only on the channel's event loop.
 */
final class RpcConnectionHandler extends ChannelInboundHandlerAdapter {

	/** Fired by the server on stop: finish what was sent, then close. */
	static final Object DRAIN = new Object();

	/**
	 * On stop, a connection is closed once its calls are answered and its peer has sent nothing
	 * for this long: calls still in the socket buffer when the listener closed are read first.
	 */
	private static final long QUIET_MILLIS = 50;

	private static final Log logger = LogFactory.getLog(RpcConnectionHandler.class);

	private static final ByteBuf JSONRPC_KEY = Unpooled
		.unreleasableBuffer(Unpooled.copiedBuffer("\"jsonrpc\"", StandardCharsets.US_ASCII));

	/** Stands for the unreadable message a JSON-RPC 2.0 parse error answers: id null. */
	private static final RpcRequest PARSE_ERROR_REQUEST = new RpcRequest(RpcId.NULL, "", null, RpcProtocol.JSON_RPC_2,
			false, null);

	private final JsonRpcCodec codec;

	private final RpcDispatcher dispatcher;

	private final Executor executor;

	private final RpcServerActivity activity;

	private final int maxCallsInFlight;

	private final long maxMessageSize;

	private final long drainReadCutoffMillis;

	/** Calls and batches read and not yet started. */
	private final ArrayDeque<RpcMessage> waiting = new ArrayDeque<>();

	private int callsInFlight;

	/** No more reading: the connection closes once every call read so far is answered. */
	private boolean finishing;

	/** After bad input the rest of the stream means nothing. */
	private boolean discarding;

	/** Whether a message arrived since the last quiet check of a draining connection. */
	private boolean readSinceQuietCheck;

	RpcConnectionHandler(JsonRpcCodec codec, RpcDispatcher dispatcher, Executor executor, RpcServerActivity activity,
			int maxCallsInFlight, long maxMessageSize, long drainReadCutoffMillis) {
		this.codec = codec;
		this.dispatcher = dispatcher;
		this.executor = executor;
		this.activity = activity;
		this.maxCallsInFlight = maxCallsInFlight;
		this.maxMessageSize = maxMessageSize;
		this.drainReadCutoffMillis = drainReadCutoffMillis;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf frame = (ByteBuf) msg;
		this.readSinceQuietCheck = true;
		try {
			if (this.discarding) {
				return;
			}
			this.waiting.add(this.codec.readMessage(frame));
			dispatchWaiting(ctx);
			updateReading(ctx);
		}
		catch (MalformedMessageException ex) {
			reject(ctx, RejectReason.MALFORMED, ex.getMessage(), looksLikeJsonRpc2(frame));
		}
		finally {
			frame.release();
		}
	}

	/** Starts the calls read so far, as many as the in-flight limit and the peer's reading allow. */
	private void dispatchWaiting(ChannelHandlerContext ctx) {
		while (!this.waiting.isEmpty() && this.callsInFlight < this.maxCallsInFlight && ctx.channel().isWritable()) {
			dispatch(ctx, this.waiting.poll());
		}
	}

	/** Reads while there is room: no call waiting for a slot, replies being taken, not finishing. */
	private void updateReading(ChannelHandlerContext ctx) {
		boolean read = !this.finishing && this.waiting.isEmpty() && ctx.channel().isWritable();
		if (ctx.channel().config().isAutoRead() != read) {
			ctx.channel().config().setAutoRead(read);
		}
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (ctx.channel().isWritable()) {
			dispatchWaiting(ctx);
		}
		else {
			this.activity.pausedReading();
		}
		updateReading(ctx);
		ctx.fireChannelWritabilityChanged();
	}

	private void dispatch(ChannelHandlerContext ctx, RpcMessage message) {
		if (message instanceof RpcBatch batch) {
			dispatchBatch(ctx, batch);
			return;
		}
		RpcRequest request = (RpcRequest) message;
		started(1);
		try {
			this.executor.execute(() -> this.dispatcher.dispatch(request, ctx.alloc())
				.whenComplete((reply, failure) -> post(ctx, (failure == null) ? reply : internalError(ctx, request, failure), 1)));
		}
		catch (RejectedExecutionException ex) {
			answered(ctx, request.notification() ? null : this.codec.writeResponse(ctx.alloc(), request,
					RpcOutcome.failure(RpcError.of(RpcError.INTERNAL_ERROR, RpcErrors.shuttingDown()))), 1);
		}
	}

	/** The calls of a batch run concurrently; the last to finish writes the one reply (if any is due). */
	private void dispatchBatch(ChannelHandlerContext ctx, RpcBatch batch) {
		List<RpcRequest> calls = batch.calls();
		RpcOutcome[] outcomes = new RpcOutcome[calls.size()];
		AtomicInteger left = new AtomicInteger(calls.size());
		started(calls.size());
		for (int i = 0; i < calls.size(); i++) {
			int index = i;
			Runnable call = () -> this.dispatcher.call(calls.get(index)).whenComplete((outcome, failure) -> {
				outcomes[index] = (failure == null) ? outcome : internalErrorOutcome(calls.get(index), failure);
				if (left.decrementAndGet() == 0) {
					post(ctx, this.codec.writeBatchResponse(ctx.alloc(), calls, List.of(outcomes)), calls.size());
				}
			});
			try {
				this.executor.execute(call);
			}
			catch (RejectedExecutionException ex) {
				outcomes[index] = RpcOutcome.failure(RpcError.of(RpcError.INTERNAL_ERROR, RpcErrors.shuttingDown()));
				if (left.decrementAndGet() == 0) {
					answered(ctx, this.codec.writeBatchResponse(ctx.alloc(), calls, List.of(outcomes)), calls.size());
				}
			}
		}
	}

	/** A failure of our own code after the method ran: counted, logged, answered plainly (never left unanswered). */
	private ByteBuf internalError(ChannelHandlerContext ctx, RpcRequest request, Throwable failure) {
		RpcOutcome outcome = internalErrorOutcome(request, failure);
		return request.notification() ? null : this.codec.writeResponse(ctx.alloc(), request, outcome);
	}

	private RpcOutcome internalErrorOutcome(RpcRequest request, Throwable failure) {
		this.activity.internalError();
		logger.warn("Internal error answering " + request.method(), failure);
		return RpcOutcome.failure(RpcError.of(RpcError.INTERNAL_ERROR, "rpc: internal error"));
	}

	private void started(int calls) {
		this.callsInFlight += calls;
		this.activity.callsStarted(calls);
	}

	/** From a call's thread back to the connection's event loop. */
	private void post(ChannelHandlerContext ctx, ByteBuf reply, int calls) {
		try {
			ctx.executor().execute(() -> answered(ctx, reply, calls));
		}
		catch (RejectedExecutionException ex) {
			// Cut off by a forced stop: the connection is gone and so is its event loop.
			if (reply != null) {
				reply.release();
			}
			this.activity.callsFinished(calls);
		}
	}

	/** Calls finished: their reply (none for notifications) goes out, and waiting calls may start. */
	private void answered(ChannelHandlerContext ctx, ByteBuf reply, int calls) {
		this.callsInFlight -= calls;
		this.activity.callsFinished(calls);
		if (reply != null) {
			ctx.writeAndFlush(reply, ctx.voidPromise());
		}
		dispatchWaiting(ctx);
		updateReading(ctx);
		closeIfDone(ctx);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof TooLongFrameException) {
			reject(ctx, RejectReason.TOO_LARGE, RpcErrors.messageTooLarge(this.maxMessageSize), false);
		}
		else if (cause instanceof CorruptedFrameException) {
			reject(ctx, RejectReason.MALFORMED, RpcErrors.malformed(cause.getMessage()), false);
		}
		else if (cause instanceof IOException) {
			logger.debug("Connection from " + ctx.channel().remoteAddress() + " failed: " + cause);
			ctx.close();
		}
		else {
			// Not the peer's doing: a bug of ours, counted so that it cannot go unseen.
			this.activity.internalError();
			logger.warn("Closing connection from " + ctx.channel().remoteAddress() + ": " + cause, cause);
			ctx.close();
		}
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event instanceof IdleStateEvent) {
			if (this.callsInFlight == 0 && this.waiting.isEmpty()) {
				logger.debug("Closing idle connection from " + ctx.channel().remoteAddress());
				this.activity.connectionIdleClosed();
				ctx.close();
			}
		}
		else if (event instanceof ChannelInputShutdownEvent) {
			// The peer has sent its last call (as nc does at end of input): answer, then close, as Go does.
			finish(ctx);
		}
		else if (event == DRAIN) {
			// A peer that never pauses is read until the cut-off, then gets its answers and is closed.
			ctx.executor().schedule(() -> finish(ctx), this.drainReadCutoffMillis, TimeUnit.MILLISECONDS);
			closeWhenQuiet(ctx);
		}
		else {
			ctx.fireUserEventTriggered(event);
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.waiting.clear();
		ctx.fireChannelInactive();
	}

	private void closeWhenQuiet(ChannelHandlerContext ctx) {
		this.readSinceQuietCheck = false;
		ctx.executor().schedule(() -> {
			if (!this.readSinceQuietCheck && this.callsInFlight == 0 && this.waiting.isEmpty()) {
				finish(ctx);
			}
			else if (!this.finishing) {
				closeWhenQuiet(ctx);
			}
		}, QUIET_MILLIS, TimeUnit.MILLISECONDS);
	}

	/**
	 * Answers bad input with an error naming the problem (a JSON-RPC 2.0 parse error when the
	 * message looks like one), then stops reading and closes once earlier calls are answered.
	 */
	private void reject(ChannelHandlerContext ctx, RejectReason reason, String error, boolean jsonRpc2) {
		if (this.discarding) {
			return;
		}
		this.activity.messageRejected(reason);
		logger.debug("Rejected a message from " + ctx.channel().remoteAddress() + ": " + error);
		this.discarding = true;
		ByteBuf reply = jsonRpc2
				? this.codec.writeResponse(ctx.alloc(), PARSE_ERROR_REQUEST, RpcOutcome.failure(RpcError
					.of(RpcError.PARSE_ERROR, "Parse error: " + RpcErrors.problem(error))))
				: this.codec.writeResponse(ctx.alloc(), RpcId.NULL, null, error);
		ctx.writeAndFlush(reply, ctx.voidPromise());
		finish(ctx);
	}

	private static boolean looksLikeJsonRpc2(ByteBuf frame) {
		return ByteBufUtil.indexOf(JSONRPC_KEY, frame) >= 0;
	}

	private void finish(ChannelHandlerContext ctx) {
		this.finishing = true;
		ctx.channel().config().setAutoRead(false);
		closeIfDone(ctx);
	}

	private void closeIfDone(ChannelHandlerContext ctx) {
		if (this.finishing && this.callsInFlight == 0 && this.waiting.isEmpty()) {
			ctx.close();
		}
	}

}
