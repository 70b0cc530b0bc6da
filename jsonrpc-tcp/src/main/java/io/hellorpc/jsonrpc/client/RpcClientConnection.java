package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.MalformedMessageException;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One open connection shared by many calls, as Go's {@code rpc.Client}: each call is written with
 * its own id and completed by the reply that carries it, in whatever order replies come. When the
 * connection drops, every call still waiting fails at once.
 */
final class RpcClientConnection extends SimpleChannelInboundHandler<ByteBuf> {

	private static final Log logger = LogFactory.getLog(RpcClientConnection.class);

	private final JsonRpcCodec codec;

	private final String address;

	private final Map<Long, CompletableFuture<RpcResponse>> pending = new ConcurrentHashMap<>();

	private volatile Channel channel;

	RpcClientConnection(JsonRpcCodec codec, String address) {
		this.codec = codec;
		this.address = address;
	}

	boolean isOpen() {
		Channel channel = this.channel;
		return channel != null && channel.isActive();
	}

	/** Writes one call; the future completes with its reply, or fails with a typed {@link RpcException}. */
	CompletableFuture<RpcResponse> send(long id, String method, Object param, Duration timeout) {
		CompletableFuture<RpcResponse> reply = new CompletableFuture<>();
		Channel channel = this.channel;
		ByteBuf request = this.codec.writeRequest(channel.alloc(), RpcId.of(id), method, param);
		this.pending.put(id, reply);
		ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
			if (this.pending.remove(id, reply)) {
				reply.completeExceptionally(new RpcTimeoutException(
						method + " to " + this.address + " got no reply within " + timeout.toMillis() + " ms"));
			}
		}, timeout.toNanos(), TimeUnit.NANOSECONDS);
		reply.whenComplete((response, failure) -> timer.cancel(false));
		channel.writeAndFlush(request).addListener((future) -> {
			if (!future.isSuccess() && this.pending.remove(id, reply)) {
				reply.completeExceptionally(new RpcConnectionException(
						"cannot send " + method + " to " + this.address + ": " + future.cause().getMessage(), future.cause()));
			}
		});
		return reply;
	}

	void close() {
		Channel channel = this.channel;
		if (channel != null) {
			channel.close();
		}
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		// Known before the connect future completes, so the first call can use it at once.
		this.channel = ctx.channel();
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
		RpcResponse response = this.codec.readResponse(frame);
		CompletableFuture<RpcResponse> reply = this.pending.remove(callId(response.id()));
		if (reply != null) {
			reply.complete(response);
		}
		else if (logger.isDebugEnabled()) {
			// A call that timed out, or a reply to no call of ours: nobody waits for it.
			logger.debug("Discarding a reply from " + this.address + " for id " + response.id().json());
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		failAll("connection to " + this.address + " closed", null);
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		String problem = (cause instanceof MalformedMessageException) ? cause.getMessage()
				: (cause.getMessage() != null) ? cause.getMessage() : cause.toString();
		failAll("connection to " + this.address + " broken: " + problem, cause);
		ctx.close();
	}

	private void failAll(String message, Throwable cause) {
		for (Long id : this.pending.keySet()) {
			CompletableFuture<RpcResponse> reply = this.pending.remove(id);
			if (reply != null) {
				reply.completeExceptionally(new RpcConnectionException(message, cause));
			}
		}
	}

	private static long callId(RpcId id) {
		try {
			return Long.parseUnsignedLong(id.json());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
