package io.hellorpc.jsonrpc.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntConsumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ByteProcessor;

/**
 * Cuts a stream of JSON values (objects or arrays, separated by whitespace or by nothing at all)
 * into one frame each, however TCP splits or joins them. The limit applies to each message: many
 * messages arriving in one read are each within it, and no more than one incomplete message is
 * ever buffered. (Netty's {@code JsonObjectDecoder} checks its whole buffer instead, so pipelined
 * legal messages could be refused as too large.) The scan resumes where the last read stopped, so
 * every byte is looked at once, and it checks JSON's grammar as it goes ({@link JsonScanner}): a
 * message that breaks it ({@code ]} closing a {@code {}, a missing colon, a value where a key must
 * be, nesting past Go's limit) fails at the byte that breaks it, with a
 * {@link MalformedFrameException}, instead of waiting for brackets that may never balance.
 * <p>
 * After a frame too large or not JSON, the rest of the stream is discarded: its boundaries are lost.
 */
public final class JsonFrameDecoder extends ByteToMessageDecoder {

	private static final ByteBuf JSONRPC_KEY = Unpooled
		.unreleasableBuffer(Unpooled.copiedBuffer("\"jsonrpc\"", StandardCharsets.US_ASCII));

	private static final ByteProcessor FIND_NON_WHITESPACE = (b) -> JsonScanner.isWhitespace(b);

	private final int maxFrameLength;

	/** Bytes of the current message scanned so far, counted from the reader index; 0 between messages. */
	private int scanned;

	private final JsonScanner scanner = new JsonScanner();

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
			if (this.scanned == 0) {
				int first = in.forEachByte(FIND_NON_WHITESPACE);
				if (first < 0) {
					in.skipBytes(in.readableBytes());
					return;
				}
				in.readerIndex(first);
				byte b = in.getByte(first);
				if (b != '{' && b != '[') {
					fail(in);
					throw new CorruptedFrameException("expected a JSON object, got '" + printable(b) + "'");
				}
			}
			int end = scan(in);
			if (end < 0) {
				if (in.readableBytes() > this.maxFrameLength) {
					fail(in);
					throw new TooLongFrameException("message larger than " + this.maxFrameLength + " bytes");
				}
				return;
			}
			this.scanned = 0;
			this.scanner.reset();
			out.add(in.readRetainedSlice(end - in.readerIndex() + 1));
		}
	}

	/**
	 * Scans on from where it stopped, at most the limit's worth of the message: the index of the
	 * byte that closes the message, or -1.
	 */
	private int scan(ByteBuf in) {
		int start = in.readerIndex() + this.scanned;
		// Past the limit, stop looking: the message is too large whatever follows.
		int stop = (int) Math.min(in.writerIndex(), in.readerIndex() + (long) this.maxFrameLength);
		int at = (start < stop) ? in.forEachByte(start, stop - start, this.scanner) : -1;
		if (at < 0) {
			this.scanned = stop - in.readerIndex();
			return -1;
		}
		if (this.scanner.broken()) {
			throw broken(in, at);
		}
		return at;
	}

	/** The message broke JSON's grammar at {@code at}: said in Go's words (what and where), then the stream is dropped. */
	private MalformedFrameException broken(ByteBuf in, int at) {
		int offset = at - in.readerIndex();
		String problem = this.scanner.tooDeep() ? "exceeded max depth"
				: "invalid character '" + printable(in.getByte(at)) + "' at byte " + offset;
		boolean looksJsonRpc2 = ByteBufUtil.indexOf(JSONRPC_KEY, in.slice(in.readerIndex(), offset + 1)) >= 0;
		fail(in);
		return new MalformedFrameException(problem, looksJsonRpc2);
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
