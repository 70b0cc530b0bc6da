package io.hellorpc.jsonrpc.client;

import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.MalformedMessageException;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.internal.PlatformDependent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One open connection shared by many calls, as Go's {@code rpc.Client}: each call is written with
 * its own id and settled by the reply that carries it, in whatever order replies come. Callers'
 * requests (encoded on their own threads) meet in a lock-free queue that the event loop drains
 * into one buffer and one flush, however many callers wrote meanwhile. When the connection drops,
 * every call handed to it fails at once.
 */
final class RpcClientConnection extends SimpleChannelInboundHandler<ByteBuf> {

	private static final Log logger = LogFactory.getLog(RpcClientConnection.class);

	private final JsonRpcCodec codec;

	private final String address;

	private final PendingCalls calls;

	private final Queue<Outgoing> outbound = PlatformDependent.newMpscQueue();

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private volatile Channel channel;

	RpcClientConnection(JsonRpcCodec codec, String address, PendingCalls calls) {
		this.codec = codec;
		this.address = address;
		this.calls = calls;
	}

	boolean isOpen() {
		Channel channel = this.channel;
		return channel != null && channel.isActive();
	}

	/** Queues the message for writing; the event loop writes it with whatever else is queued. */
	void send(Outgoing message) {
		message.boundTo(this);
		this.outbound.add(message);
		if (this.drainScheduled.compareAndSet(false, true)) {
			try {
				this.channel.eventLoop().execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				// The template closed meanwhile, and its event loop with it.
				this.calls.failAll((call) -> call.connection == this, (call) -> closed());
			}
		}
	}

	/** On the event loop: every queued request into one buffer, one write, one flush. */
	private void drain() {
		this.drainScheduled.set(false);
		Channel channel = this.channel;
		ByteBuf batch = null;
		Outgoing message;
		while ((message = this.outbound.poll()) != null) {
			if (message.cancelled()) {
				continue; // timed out before it was written: it never reaches the wire
			}
			if (!channel.isActive()) {
				this.calls.failAll((call) -> call.connection == this, (call) -> closed());
				continue;
			}
			if (batch == null) {
				batch = channel.alloc().ioBuffer(Math.max(256, message.bytes().length));
			}
			batch.writeBytes(message.bytes());
			message.written(this.calls);
		}
		if (batch != null) {
			// A failed write closes the channel, and channelInactive fails the calls it carried.
			channel.writeAndFlush(batch, channel.voidPromise());
		}
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
		for (RpcResponse response : this.codec.readResponses(frame)) {
			PendingCall call = this.calls.take(callId(response.id()));
			if (call != null) {
				call.settle(response);
			}
			else if (logger.isDebugEnabled()) {
				// A call that timed out, or a reply to no call of ours: nobody waits for it.
				logger.debug("Discarding a reply from " + this.address + " for id " + response.id().json());
			}
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		this.calls.failAll((call) -> call.connection == this, (call) -> closed());
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		String problem = (cause instanceof MalformedMessageException || cause.getCause() == null) ? cause.getMessage()
				: cause.getCause().getMessage();
		this.calls.failAll((call) -> call.connection == this, (call) -> new RpcConnectionException(
				"connection to " + this.address + " broken: " + (problem != null ? problem : cause.toString()), cause));
		ctx.close();
	}

	private RpcConnectionException closed() {
		return new RpcConnectionException("connection to " + this.address + " closed");
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
