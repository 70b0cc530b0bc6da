package io.hellorpc.jsonrpc.protocol;

import java.util.List;
import java.util.function.IntConsumer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;

/**
 * Cuts a stream of JSON values (objects or arrays, separated by whitespace or by nothing at all)
 * into one frame each, however TCP splits or joins them. The limit applies to each message: many
 * messages arriving in one read are each within it, and no more than one incomplete message is
 * ever buffered. (Netty's {@code JsonObjectDecoder} checks its whole buffer instead, so pipelined
 * legal messages could be refused as too large.) The scan resumes where the last read stopped, so
 * every byte is looked at once.
 * <p>
 * After a frame too large or not JSON, the rest of the stream is discarded: its boundaries are lost.
 */
public final class JsonFrameDecoder extends ByteToMessageDecoder {

	private final int maxFrameLength;

	/** Bytes of the current message scanned so far, counted from the reader index. */
	private int scanned;

	private int depth;

	private boolean inString;

	private boolean escaped;

	private boolean failed;

	/** Told the bytes this decoder holds after every read, and 0 when it is removed. */
	private final IntConsumer bufferedBytes;

	public JsonFrameDecoder(int maxFrameLength) {
		this(maxFrameLength, (bytes) -> {
		});
	}

	/**
	 * @param bufferedBytes told the bytes held for the incomplete message (its buffer's capacity)
	 * after every read and 0 when the decoder goes, so that a whole server can budget them
	 */
	public JsonFrameDecoder(int maxFrameLength, IntConsumer bufferedBytes) {
		this.maxFrameLength = maxFrameLength;
		this.bufferedBytes = bufferedBytes;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		try {
			super.channelRead(ctx, msg);
		}
		finally {
			this.bufferedBytes.accept(heldBytes());
		}
	}

	@Override
	protected void handlerRemoved0(ChannelHandlerContext ctx) {
		this.bufferedBytes.accept(0);
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		super.channelInactive(ctx);
		this.bufferedBytes.accept(0);
	}

	private int heldBytes() {
		ByteBuf buffer = internalBuffer();
		return buffer.isReadable() ? buffer.capacity() : 0;
	}

	@Override
	protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
		if (this.failed) {
			in.skipBytes(in.readableBytes());
			return;
		}
		while (in.isReadable()) {
			if (this.depth == 0) {
				skipWhitespace(in);
				if (!in.isReadable()) {
					return;
				}
				byte first = in.getByte(in.readerIndex());
				if (first != '{' && first != '[') {
					fail(in);
					throw new CorruptedFrameException("expected a JSON object, got '" + printable(first) + "'");
				}
			}
			int end = scan(in);
			if (end < 0) {
				if (this.scanned > this.maxFrameLength) {
					fail(in);
					throw new TooLongFrameException("message larger than " + this.maxFrameLength + " bytes");
				}
				return;
			}
			int length = end - in.readerIndex() + 1;
			this.scanned = 0;
			if (length > this.maxFrameLength) {
				fail(in);
				throw new TooLongFrameException("message larger than " + this.maxFrameLength + " bytes");
			}
			out.add(in.readRetainedSlice(length));
		}
	}

	/** Scans on from where it stopped; the index of the byte that closes the message, or -1. */
	private int scan(ByteBuf in) {
		int start = in.readerIndex() + this.scanned;
		int limit = in.writerIndex();
		// Past the limit, stop looking: the message is too large whatever follows.
		int stop = (int) Math.min(limit, in.readerIndex() + (long) this.maxFrameLength + 1);
		for (int i = start; i < stop; i++) {
			byte b = in.getByte(i);
			if (this.inString) {
				if (this.escaped) {
					this.escaped = false;
				}
				else if (b == '\\') {
					this.escaped = true;
				}
				else if (b == '"') {
					this.inString = false;
				}
			}
			else if (b == '"') {
				this.inString = true;
			}
			else if (b == '{' || b == '[') {
				this.depth++;
			}
			else if ((b == '}' || b == ']') && --this.depth == 0) {
				return i;
			}
		}
		this.scanned = stop - in.readerIndex();
		return -1;
	}

	private static void skipWhitespace(ByteBuf in) {
		while (in.isReadable()) {
			byte b = in.getByte(in.readerIndex());
			if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
				return;
			}
			in.skipBytes(1);
		}
	}

	private void fail(ByteBuf in) {
		this.failed = true;
		in.skipBytes(in.readableBytes());
	}

	private static String printable(byte b) {
		return (b >= 0x20 && b < 0x7F) ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xFF);
	}

	/** Bytes buffered now: at most one incomplete message, never more than the limit. */
	public int bufferedBytes() {
		ByteBuf buffer = internalBuffer();
		return buffer.isReadable() ? buffer.readableBytes() : 0;
	}

}
