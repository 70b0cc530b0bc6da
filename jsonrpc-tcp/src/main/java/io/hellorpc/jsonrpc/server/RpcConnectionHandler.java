package io.hellorpc.jsonrpc.server;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.MalformedMessageException;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcRequest;
import io.hellorpc.jsonrpc.server.RpcServerActivity.RejectReason;
import io.netty.buffer.ByteBuf;
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

	private final JsonRpcCodec codec;

	private final RpcDispatcher dispatcher;

	private final Executor executor;

	private final RpcServerActivity activity;

	private final int maxCallsInFlight;

	private final long maxMessageSize;

	private final long drainReadCutoffMillis;

	private final ArrayDeque<RpcRequest> waiting = new ArrayDeque<>();

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
			this.waiting.add(this.codec.readRequest(frame));
			dispatchWaiting(ctx);
			updateReading(ctx);
		}
		catch (MalformedMessageException ex) {
			reject(ctx, RejectReason.MALFORMED, ex.getMessage());
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

	private void dispatch(ChannelHandlerContext ctx, RpcRequest request) {
		this.callsInFlight++;
		this.activity.callStarted();
		try {
			this.executor.execute(() -> {
				ByteBuf reply = this.dispatcher.dispatch(request, ctx.alloc());
				try {
					ctx.executor().execute(() -> answered(ctx, reply));
				}
				catch (RejectedExecutionException ex) {
					// Cut off by a forced stop: the connection is gone and so is its event loop.
					reply.release();
					this.activity.callFinished();
				}
			});
		}
		catch (RejectedExecutionException ex) {
			answered(ctx, this.codec.writeResponse(ctx.alloc(), request.id(), null, RpcErrors.shuttingDown()));
		}
	}

	private void answered(ChannelHandlerContext ctx, ByteBuf reply) {
		this.callsInFlight--;
		this.activity.callFinished();
		ctx.writeAndFlush(reply, ctx.voidPromise());
		dispatchWaiting(ctx);
		updateReading(ctx);
		closeIfDone(ctx);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof TooLongFrameException) {
			reject(ctx, RejectReason.TOO_LARGE, RpcErrors.messageTooLarge(this.maxMessageSize));
		}
		else if (cause instanceof CorruptedFrameException) {
			reject(ctx, RejectReason.MALFORMED, RpcErrors.malformed(cause.getMessage()));
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

	private void reject(ChannelHandlerContext ctx, RejectReason reason, String error) {
		if (this.discarding) {
			return;
		}
		this.activity.messageRejected(reason);
		logger.debug("Rejected a message from " + ctx.channel().remoteAddress() + ": " + error);
		this.discarding = true;
		ctx.writeAndFlush(this.codec.writeResponse(ctx.alloc(), RpcId.NULL, null, error), ctx.voidPromise());
		finish(ctx);
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
