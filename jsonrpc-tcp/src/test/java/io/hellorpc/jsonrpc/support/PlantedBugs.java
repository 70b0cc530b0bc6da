package io.hellorpc.jsonrpc.support;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

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

	/** Drops the first reply written, as a server that forgets to answer a call would. */
	public static ChannelHandler droppingFirstReply() {
		return new ChannelOutboundHandlerAdapter() {

			private boolean dropped;

			@Override
			public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
				if (this.dropped) {
					ctx.write(msg, promise);
					return;
				}
				this.dropped = true;
				((ByteBuf) msg).release();
				promise.trySuccess();
			}
		};
	}

	/** Writes every reply twice, as a server that answers a call twice would. */
	public static ChannelHandler answeringTwice() {
		return new ChannelOutboundHandlerAdapter() {
			@Override
			public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
				ctx.write(((ByteBuf) msg).retainedDuplicate());
				ctx.write(msg, promise);
			}
		};
	}

	/** Never closes the connection, as a server that keeps reading after bad input would. */
	public static ChannelHandler neverClosing() {
		return new ChannelOutboundHandlerAdapter() {
			@Override
			public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
				promise.trySuccess();
			}
		};
	}

	/** Appends an internal detail after the method name that a routing error quotes. */
	public static ChannelHandler leakingAfterQuotedMethod(String detail) {
		return new ChannelOutboundHandlerAdapter() {
			@Override
			public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
				ByteBuf reply = (ByteBuf) msg;
				String text = reply.toString(StandardCharsets.UTF_8);
				reply.release();
				String leaky = text.replaceAll("(can't find (service|method) [^\"]*)\"", "$1" + detail + "\"");
				ctx.write(Unpooled.copiedBuffer(leaky, StandardCharsets.UTF_8), promise);
			}
		};
	}

	/** Drops every frame and never passes the close on, as a connection that never settles its calls would. */
	public static ChannelHandler swallowingRepliesAndClose() {
		return new ChannelInboundHandlerAdapter() {
			@Override
			public void channelRead(ChannelHandlerContext ctx, Object msg) {
				((ByteBuf) msg).release();
			}

			@Override
			public void channelInactive(ChannelHandlerContext ctx) {
			}

			@Override
			public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
			}
		};
	}

}
