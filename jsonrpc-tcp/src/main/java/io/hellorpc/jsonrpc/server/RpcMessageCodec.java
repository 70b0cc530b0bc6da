package io.hellorpc.jsonrpc.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.MalformedFrameException;
import io.hellorpc.jsonrpc.protocol.MalformedMessageException;
import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.protocol.RpcRequest;
import io.hellorpc.jsonrpc.server.RpcServerActivity.RejectReason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Between frames and messages: reads each frame as a call or a batch, and writes each
 * {@link Reply} in its call's dialect. Bad input (not JSON, too large, not a message) is answered
 * with an error naming the problem, and then the rest of the stream is ignored and the connection
 * told to finish ({@link ConnectionCloser#FINISH}). A result that cannot be encoded is answered
 * as an internal error, so that no call goes unanswered.
 */
final class RpcMessageCodec extends ChannelDuplexHandler {

	private static final Log logger = LogFactory.getLog(RpcMessageCodec.class);

	private static final ByteBuf JSONRPC_KEY = Unpooled
		.unreleasableBuffer(Unpooled.copiedBuffer("\"jsonrpc\"", StandardCharsets.US_ASCII));

	/** Stands for the unreadable message a JSON-RPC 2.0 error answers: id null. */
	static final RpcRequest UNREADABLE_2_0 = new RpcRequest(RpcId.NULL, "", null, RpcProtocol.JSON_RPC_2, false, null);

	private final JsonRpcCodec codec;

	private final RpcServerActivity activity;

	private final long maxMessageSize;

	/** After bad input the rest of the stream means nothing. */
	private boolean discarding;

	RpcMessageCodec(JsonRpcCodec codec, RpcServerActivity activity, long maxMessageSize) {
		this.codec = codec;
		this.activity = activity;
		this.maxMessageSize = maxMessageSize;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		ByteBuf frame = (ByteBuf) msg;
		try {
			if (!this.discarding) {
				ctx.fireChannelRead(this.codec.readMessage(frame));
			}
		}
		catch (MalformedMessageException ex) {
			reject(ctx, RejectReason.MALFORMED, ex.getMessage(), ByteBufUtil.indexOf(JSONRPC_KEY, frame) >= 0);
		}
		finally {
			frame.release();
		}
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (cause instanceof TooLongFrameException) {
			reject(ctx, RejectReason.TOO_LARGE, RpcErrors.messageTooLarge(this.maxMessageSize), false);
		}
		else if (cause instanceof MalformedFrameException broken) {
			reject(ctx, RejectReason.MALFORMED, RpcErrors.malformed(broken.getMessage()), broken.looksJsonRpc2());
		}
		else if (cause instanceof CorruptedFrameException) {
			reject(ctx, RejectReason.MALFORMED, RpcErrors.malformed(cause.getMessage()), false);
		}
		else {
			ctx.fireExceptionCaught(cause);
		}
	}

	/** A JSON-RPC 2.0 parse error when the message looks like one, else Go's reply with id null. */
	private void reject(ChannelHandlerContext ctx, RejectReason reason, String error, boolean jsonRpc2) {
		if (this.discarding) {
			return;
		}
		this.discarding = true;
		this.activity.messageRejected(reason);
		logger.debug("Rejected a message from " + ctx.channel().remoteAddress() + ": " + error);
		ByteBuf reply = jsonRpc2
				? this.codec.writeResponse(ctx.alloc(), UNREADABLE_2_0,
						RpcOutcome.failure(RpcError.of(RpcError.PARSE_ERROR, "Parse error: " + RpcErrors.problem(error))))
				: this.codec.writeResponse(ctx.alloc(), RpcId.NULL, null, error);
		ctx.writeAndFlush(reply, ctx.voidPromise());
		ctx.pipeline().fireUserEventTriggered(ConnectionCloser.FINISH);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof Reply reply)) {
			ctx.write(msg, promise);
			return;
		}
		ByteBuf bytes;
		if (reply instanceof Reply.ToCall call) {
			bytes = call.request().notification() ? null : encode(ctx, call.request(), call.outcome());
		}
		else {
			bytes = encodeBatch(ctx, (Reply.ToBatch) reply);
		}
		if (bytes == null) {
			promise.trySuccess();
		}
		else {
			ctx.write(bytes, promise);
		}
	}

	private ByteBuf encode(ChannelHandlerContext ctx, RpcRequest request, RpcOutcome outcome) {
		try {
			return this.codec.writeResponse(ctx.alloc(), request, outcome);
		}
		catch (RuntimeException ex) {
			return this.codec.writeResponse(ctx.alloc(), request, unencodable(request, ex));
		}
	}

	/** The batch's array; entries whose result cannot be encoded are answered as internal errors. */
	private ByteBuf encodeBatch(ChannelHandlerContext ctx, Reply.ToBatch batch) {
		try {
			return this.codec.writeBatchResponse(ctx.alloc(), batch.calls(), batch.outcomes());
		}
		catch (RuntimeException ex) {
			List<RpcOutcome> encodable = new ArrayList<>(batch.outcomes().size());
			for (int i = 0; i < batch.calls().size(); i++) {
				RpcRequest call = batch.calls().get(i);
				RpcOutcome outcome = batch.outcomes().get(i);
				encodable.add(call.notification() || this.codec.canWrite(call, outcome) ? outcome : unencodable(call, ex));
			}
			return this.codec.writeBatchResponse(ctx.alloc(), batch.calls(), encodable);
		}
	}

	private RpcOutcome unencodable(RpcRequest request, RuntimeException ex) {
		this.activity.internalError();
		logger.warn("Cannot encode the result of " + request.method() + ": " + ex.getMessage());
		return RpcOutcome.failure(RpcError.of(RpcError.INTERNAL_ERROR, RpcErrors.cannotEncode(request.method())));
	}

}
