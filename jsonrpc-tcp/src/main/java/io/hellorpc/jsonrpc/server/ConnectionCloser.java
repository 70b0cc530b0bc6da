package io.hellorpc.jsonrpc.server;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.protocol.RpcMessage;
import io.netty.buffer.Unpooled;
import io.hellorpc.jsonrpc.server.ReadSwitch.Hold;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * When a connection ends. It counts the messages read and the replies written; once told to
 * finish (bad input, the peer's half-close, the server's drain) it reads no more and closes after
 * the last reply is written. It also closes a connection idle for {@code idle-timeout} with
 * nothing to answer, and one whose peer has not taken any of its replies for that long (it would
 * hold its replies and slots forever; at most twice that, since a reply still moving is progress),
 * and turns a failing connection into a closed one.
 */
final class ConnectionCloser extends ChannelDuplexHandler {

	/** Fired by the server on stop: finish what was sent, then close. */
	static final Object DRAIN = new Object();

	/** Fired by a stage that will read no more of this connection: answer what was read, then close. */
	static final Object FINISH = new Object();

	/**
	 * On stop, a connection is closed once its calls are answered and its peer has sent nothing
	 * for this long: calls still in the socket buffer when the listener closed are read first.
	 */
	private static final long QUIET_MILLIS = 50;

	private static final Log logger = LogFactory.getLog(ConnectionCloser.class);

	private final RpcServerActivity activity;

	private final long drainReadCutoffMillis;

	/** Messages read and not yet answered. */
	private int unanswered;

	private boolean finishing;

	private boolean draining;

	/** Whether a message arrived since the last quiet check of a draining connection. */
	private boolean readSinceQuietCheck;

	private boolean closing;

	/** The reply going out at the last writer-idle event, and how far it had gone. */
	private Object stalledReply;

	private long stalledProgress;

	/** Whether a message is arriving: a draining connection in the middle of one is not quiet. */
	private final ConnectionMemory memory;

	ConnectionCloser(RpcServerActivity activity, ConnectionMemory memory, long drainReadCutoffMillis) {
		this.activity = activity;
		this.memory = memory;
		this.drainReadCutoffMillis = drainReadCutoffMillis;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (msg instanceof RpcMessage) {
			this.unanswered++;
			this.readSinceQuietCheck = true;
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof Reply)) {
			ctx.write(msg, promise);
			return;
		}
		this.unanswered--;
		ctx.write(msg, promise);
		closeIfDone(ctx);
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (event instanceof IdleStateEvent idle) {
			closeIfIdle(ctx, idle);
		}
		else if (event instanceof ChannelInputShutdownEvent || event == FINISH) {
			// The peer has sent its last call (as nc does at end of input): answer, then close, as Go does.
			finish(ctx);
		}
		else if (event == DRAIN && !this.draining) {
			this.draining = true;
			// A peer that never pauses is read until the cut-off, then gets its answers and is closed.
			ctx.executor().schedule(() -> finish(ctx), this.drainReadCutoffMillis, TimeUnit.MILLISECONDS);
			closeWhenQuiet(ctx);
		}
		else if (event != DRAIN) {
			ctx.fireUserEventTriggered(event);
		}
	}

	private void closeIfIdle(ChannelHandlerContext ctx, IdleStateEvent idle) {
		if (idle.state() == IdleState.ALL_IDLE && this.unanswered == 0) {
			logger.debug("Closing idle connection from " + ctx.channel().remoteAddress());
		}
		else if (idle.state() == IdleState.WRITER_IDLE && stalled(ctx)) {
			logger.debug("Closing connection from " + ctx.channel().remoteAddress() + ": its peer has taken none of "
					+ "its replies for the idle timeout");
		}
		else {
			return;
		}
		this.activity.connectionIdleClosed();
		ctx.close();
	}

	/**
	 * No reply finished going out for the idle timeout (the writer-idle event says so), replies
	 * wait, and the one going out has not moved since the last such event: a long reply being
	 * taken slowly is progress, not a stall.
	 */
	private boolean stalled(ChannelHandlerContext ctx) {
		ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
		if (buffer == null || buffer.totalPendingWriteBytes() == 0) {
			this.stalledReply = null;
			return false;
		}
		Object current = buffer.current();
		long progress = buffer.currentProgress();
		boolean stalled = current != null && current == this.stalledReply && progress == this.stalledProgress;
		this.stalledReply = current;
		this.stalledProgress = progress;
		return stalled;
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof IOException) {
			logger.debug("Connection from " + ctx.channel().remoteAddress() + " failed: " + cause);
		}
		else if (cause instanceof OutOfMemoryError) {
			// An allocation for this connection failed: it costs the connection, never the event loop.
			this.activity.connectionShed();
			logger.warn("Closing connection from " + ctx.channel().remoteAddress() + ": out of memory for it (" + cause
					+ "); rpc.server.memory.budget keeps buffers below the JVM's limit");
		}
		else {
			// Not the peer's doing: a bug of ours, counted so that it cannot go unseen.
			this.activity.internalError();
			logger.warn("Closing connection from " + ctx.channel().remoteAddress() + ": " + cause, cause);
		}
		ctx.close();
	}

	private void closeWhenQuiet(ChannelHandlerContext ctx) {
		this.readSinceQuietCheck = false;
		ctx.executor().schedule(() -> {
			if (!this.readSinceQuietCheck && this.unanswered == 0 && !this.memory.receiving()) {
				finish(ctx);
			}
			else if (!this.finishing) {
				closeWhenQuiet(ctx);
			}
		}, QUIET_MILLIS, TimeUnit.MILLISECONDS);
	}

	private void finish(ChannelHandlerContext ctx) {
		if (!this.finishing) {
			this.finishing = true;
			ReadSwitch.of(ctx.channel()).set(Hold.FINISHING, true);
			closeIfDone(ctx);
		}
	}

	/**
	 * Closes once everything written so far has gone out (an empty write queued behind it all
	 * completes last), so that no reply or error line is cut off.
	 */
	private void closeIfDone(ChannelHandlerContext ctx) {
		if (this.finishing && this.unanswered == 0 && !this.closing) {
			this.closing = true;
			ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
		}
	}

}
