package io.hellorpc.jsonrpc.server;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.protocol.RpcMessage;
import io.netty.buffer.Unpooled;
import io.hellorpc.jsonrpc.server.ReadSwitch.Hold;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * When a connection ends. It counts the messages read and the replies written; once told to
 * finish (bad input, the peer's half-close, the server's drain) it reads no more and closes after
 * the last reply is written. It also closes a connection idle for {@code idle-timeout} with
 * nothing to answer, and one whose peer has not taken any of its replies for that long (it would
 * hold its replies and slots forever; at most twice that, since a reply still moving is progress),
 * and turns a failing connection into a closed one.
 * <p>
 * With {@code max-connection-age} set, each connection gets that age give or take a random 10 %;
 * at it, the connection goes away: calls read from then on are refused unrun
 * ({@link CallAdmission}), calls running are answered, and once nothing is unanswered and nothing
 * was read for a quiet moment, or when {@code max-connection-age-grace} is over, the server
 * half-closes it: the last reply goes out, then a FIN; whatever the peer still sends is read and
 * dropped (so that the close never resets the connection under replies the peer has not read),
 * and the connection is closed when the peer closes its side, or a second later.
 */
final class ConnectionCloser extends ChannelDuplexHandler {

	/** Fired by the server on stop: finish what was sent, then close. */
	static final Object DRAIN = new Object();

	/** Fired by a stage that will read no more of this connection: answer what was read, then close. */
	static final Object FINISH = new Object();

	/** Fired to the stages behind the closer when the connection reaches its age: refuse what is read from now on. */
	static final Object AGED = new Object();

	/** Fired to the stages behind the closer when the grace is over and the connection is cut: start nothing more. */
	static final Object GONE = new Object();

	/** After its FIN, a connection whose peer does not close its side is closed this much later. */
	private static final long HALF_CLOSED_MILLIS = 1000;

	/** How far a connection's age limit is moved, at random, either way (gRPC's jitter). */
	private static final double AGE_JITTER = 0.1;

	/**
	 * On stop, a connection is closed once its calls are answered and its peer has sent nothing
	 * for this long: calls still in the socket buffer when the listener closed are read first.
	 */
	private static final long QUIET_MILLIS = 50;

	private static final Log logger = LogFactory.getLog(ConnectionCloser.class);

	private final RpcServerActivity activity;

	private final long drainReadCutoffMillis;

	/** The connection's age limit before jitter; 0: none. */
	private final long maxAgeMillis;

	private final long ageGraceMillis;

	/** The connection reached its age and is going away. */
	private boolean aged;

	/** The FIN is decided: replies from now on are dropped, input discarded. */
	private boolean halfClosed;

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

	/**
	 * @param maxAgeMillis {@code max-connection-age}, 0 for none
	 * @param ageGraceMillis {@code max-connection-age-grace}
	 */
	ConnectionCloser(RpcServerActivity activity, ConnectionMemory memory, long drainReadCutoffMillis, long maxAgeMillis,
			long ageGraceMillis) {
		this.activity = activity;
		this.memory = memory;
		this.drainReadCutoffMillis = drainReadCutoffMillis;
		this.maxAgeMillis = maxAgeMillis;
		this.ageGraceMillis = ageGraceMillis;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		if (this.maxAgeMillis > 0) {
			double jitter = ThreadLocalRandom.current().nextDouble(-AGE_JITTER, AGE_JITTER);
			long age = Math.max(1, Math.round(this.maxAgeMillis * (1 + jitter)));
			ctx.executor().schedule(() -> reachedAge(ctx, age), age, TimeUnit.MILLISECONDS);
		}
	}

	private void reachedAge(ChannelHandlerContext ctx, long age) {
		if (!ctx.channel().isActive() || this.finishing || this.draining) {
			// Closing anyway: a drain or a half-close by the peer takes it from here.
			return;
		}
		this.aged = true;
		this.activity.connectionAged();
		logger.debug("Connection from " + ctx.channel().remoteAddress() + " reached rpc.server.max-connection-age ("
				+ age + " ms with jitter): refusing new calls, " + this.unanswered + " unanswered, closing when quiet or in "
				+ this.ageGraceMillis + " ms");
		ctx.fireUserEventTriggered(AGED);
		ctx.executor().schedule(() -> graceOver(ctx), this.ageGraceMillis, TimeUnit.MILLISECONDS);
		closeWhenQuiet(ctx);
	}

	private void graceOver(ChannelHandlerContext ctx) {
		if (this.halfClosed || !ctx.channel().isActive()) {
			return;
		}
		logger.debug("Connection from " + ctx.channel().remoteAddress() + ": rpc.server.max-connection-age-grace is over with "
				+ this.unanswered + " unanswered; half-closing it");
		this.finishing = true;
		this.closing = true;
		ctx.fireUserEventTriggered(GONE);
		halfClose(ctx);
	}

	/**
	 * Writes a FIN behind the replies written so far, then reads and drops whatever arrives until
	 * the peer closes its side (or for a second), and closes: closing a socket with received bytes
	 * unread would send an RST, which can destroy replies the peer has not read yet.
	 */
	private void halfClose(ChannelHandlerContext ctx) {
		this.halfClosed = true;
		Channel channel = ctx.channel();
		ctx.pipeline().addFirst("age-discard", new DiscardInput());
		ctx.executor().schedule(() -> channel.close(), HALF_CLOSED_MILLIS, TimeUnit.MILLISECONDS);
		SslHandler tls = ctx.pipeline().get(SslHandler.class);
		ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) (written) -> {
			if (!(channel instanceof DuplexChannel duplex)) {
				channel.close();
			}
			else if (tls != null) {
				tls.closeOutbound().addListener((ChannelFutureListener) (notified) -> shutdownOutput(duplex));
			}
			else {
				shutdownOutput(duplex);
			}
		});
	}

	private static void shutdownOutput(DuplexChannel channel) {
		channel.shutdownOutput().addListener((ChannelFutureListener) (shut) -> {
			if (channel.isInputShutdown()) {
				// The peer had closed its side already: all is read, nothing more will come.
				channel.close();
			}
		});
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
		if (this.halfClosed) {
			// Cut off by the end of the max-connection-age grace: the output is shut.
			promise.trySuccess();
			return;
		}
		ctx.write(msg, promise);
		closeIfDone(ctx);
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
		if (this.halfClosed && (event instanceof IdleStateEvent || event == FINISH || event == DRAIN
				|| event instanceof ChannelInputShutdownEvent)) {
			// Half-closed: it closes when the peer does, or shortly.
			return;
		}
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
			if (this.aged) {
				halfClose(ctx);
			}
			else {
				ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
			}
		}
	}

	/**
	 * First in the pipeline of a half-closed connection: reads on (whatever holds the reading back)
	 * and drops what arrives unread by any method, and closes once the peer has closed its side.
	 */
	private static final class DiscardInput extends ChannelDuplexHandler {

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			ctx.read();
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ReferenceCountUtil.release(msg);
		}

		@Override
		public void channelReadComplete(ChannelHandlerContext ctx) {
			ctx.read();
			ctx.fireChannelReadComplete();
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
			if (event instanceof ChannelInputShutdownEvent) {
				// Everything the peer sent is read: a close now is a FIN, never an RST.
				ctx.close();
			}
			else if (!(event instanceof ChannelInputShutdownReadComplete)) {
				ctx.fireUserEventTriggered(event);
			}
		}

	}

}
