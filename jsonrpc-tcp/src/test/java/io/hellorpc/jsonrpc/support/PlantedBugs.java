package io.hellorpc.jsonrpc.support;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** Handlers with a deliberate bug, planted in a real pipeline to prove that a fuzz target can fail. */
public final class PlantedBugs {

	private PlantedBugs() {
	}

	/** Passes every frame on with one reference too many: a leak. */
	public static ChannelHandler leakingFrames() {
		return new ChannelInboundHandlerAdapter() {
			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				ctx.fireChannelRead(((ByteBuf) msg).retain());
			}
		};
	}

	/** Throws the exception for every frame, as a bug in our own code would. */
	public static ChannelHandler throwing(RuntimeException bug) {
		return new ChannelInboundHandlerAdapter() {
			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				((ByteBuf) msg).release();
				throw bug;
			}
		};
	}

}
