package io.hellorpc.jsonrpc.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/** Counts reply bytes from written until taken by the peer (or dropped with the connection) in its {@link ConnectionMemory}. */
final class BufferedReplies extends ChannelOutboundHandlerAdapter {

	private final ConnectionMemory memory;

	BufferedReplies(ConnectionMemory memory) {
		this.memory = memory;
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (!(msg instanceof ByteBuf bytes) || !bytes.isReadable()) {
			ctx.write(msg, promise);
			return;
		}
		int size = bytes.readableBytes();
		this.memory.replyWritten(size);
		ChannelPromise taken = promise.unvoid();
		taken.addListener((ChannelFutureListener) (future) -> this.memory.replyTaken(size));
		ctx.write(msg, taken);
	}

}
