package io.hellorpc.jsonrpc.bench;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.TooLongFrameException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.async.ByteBufferFeeder;
import tools.jackson.core.json.JsonFactory;

/**
 * Framing cost per message, three ways, on N pipelined messages read in 8 KiB chunks of pooled
 * direct memory (as a socket delivers them) through an embedded channel: the bracket counter the
 * project had ({@link BracketCounter}), today's {@link JsonFrameDecoder} (grammar checked byte by
 * byte), and Jackson's non-blocking parser as the scanner ({@link NonBlockingJackson}). Prints
 * ns and bytes allocated (this thread) per message, the median of 15 rounds after 10 of warm-up.
 * <p>
 * Usage: {@code FrameDecoderBench [N]} (default 200,000 messages of each kind).
 */
public final class FrameDecoderBench {

	private static final int CHUNK = 8192;

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private FrameDecoderBench() {
	}

	public static void main(String[] args) {
		int n = (args.length > 0) ? Integer.parseInt(args[0]) : 200_000;
		List<String[]> kinds = List.of(
				new String[] { "Go call, 70 B", "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":1234}\n" },
				new String[] { "2.0 call, 1 KiB string",
						"{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + "x".repeat(1000)
								+ "\"}],\"id\":\"a-7\"}\n" },
				new String[] { "2.0 batch of 8, numbers and nesting", "[" + String.join(",", java.util.Collections.nCopies(8,
						"{\"jsonrpc\":\"2.0\",\"method\":\"sum\",\"params\":{\"values\":[1,2.5,-3e2,{\"deep\":[true,null,false]}]},\"id\":42}"))
						+ "]" });
		List<Object[]> decoders = List.of(new Object[] { "bracket counter (before)", (Supplier<ChannelHandler>) BracketCounter::new },
				new Object[] { "JsonFrameDecoder (grammar)", (Supplier<ChannelHandler>) () -> new JsonFrameDecoder(1 << 20) },
				new Object[] { "Jackson non-blocking", (Supplier<ChannelHandler>) NonBlockingJackson::new });
		System.out.printf(Locale.ROOT, "%-38s %-28s %10s %12s%n", "messages", "decoder", "ns/msg", "bytes/msg");
		for (String[] kind : kinds) {
			byte[] one = kind[1].getBytes(StandardCharsets.UTF_8);
			byte[] stream = new byte[one.length * n];
			for (int i = 0; i < n; i++) {
				System.arraycopy(one, 0, stream, i * one.length, one.length);
			}
			for (Object[] decoder : decoders) {
				@SuppressWarnings("unchecked")
				Supplier<ChannelHandler> factory = (Supplier<ChannelHandler>) decoder[1];
				long[] nanos = new long[15];
				long[] bytes = new long[15];
				for (int round = -10; round < 15; round++) {
					long[] measured = run(factory.get(), stream, n);
					if (round >= 0) {
						nanos[round] = measured[0];
						bytes[round] = measured[1];
					}
				}
				Arrays.sort(nanos);
				Arrays.sort(bytes);
				System.out.printf(Locale.ROOT, "%-38s %-28s %10.1f %12.1f%n", kind[0], decoder[0], nanos[7] / (double) n,
						bytes[7] / (double) n);
			}
		}
	}

	/** Nanoseconds and bytes allocated decoding the stream; fails unless exactly {@code n} frames came out. */
	private static long[] run(ChannelHandler decoder, byte[] stream, int n) {
		EmbeddedChannel channel = new EmbeddedChannel(decoder);
		long frames = 0;
		long threadId = Thread.currentThread().getId();
		long allocatedBefore = THREADS.getThreadAllocatedBytes(threadId);
		long start = System.nanoTime();
		for (int at = 0; at < stream.length; at += CHUNK) {
			int length = Math.min(CHUNK, stream.length - at);
			ByteBuf chunk = PooledByteBufAllocator.DEFAULT.directBuffer(length).writeBytes(stream, at, length);
			channel.writeInbound(chunk);
			ByteBuf frame;
			while ((frame = channel.readInbound()) != null) {
				frame.release();
				frames++;
			}
		}
		long elapsed = System.nanoTime() - start;
		long allocated = THREADS.getThreadAllocatedBytes(threadId) - allocatedBefore;
		channel.finishAndReleaseAll();
		if (frames != n) {
			throw new IllegalStateException(decoder + " framed " + frames + " of " + n);
		}
		return new long[] { elapsed, allocated };
	}

	/** The decoder as it was before it checked the grammar: strings, escapes and bracket depth only. */
	static final class BracketCounter extends ByteToMessageDecoder {

		private final int maxFrameLength = 1 << 20;

		private int scanned;

		private int depth;

		private boolean inString;

		private boolean escaped;

		@Override
		protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
			while (in.isReadable()) {
				if (this.depth == 0) {
					while (in.isReadable() && in.getByte(in.readerIndex()) <= ' ') {
						in.skipBytes(1);
					}
					if (!in.isReadable()) {
						return;
					}
				}
				int start = in.readerIndex() + this.scanned;
				int stop = (int) Math.min(in.writerIndex(), in.readerIndex() + (long) this.maxFrameLength + 1);
				int end = -1;
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
						end = i;
						break;
					}
				}
				if (end < 0) {
					this.scanned = stop - in.readerIndex();
					if (this.scanned > this.maxFrameLength) {
						throw new TooLongFrameException("too long");
					}
					return;
				}
				this.scanned = 0;
				out.add(in.readRetainedSlice(end - in.readerIndex() + 1));
			}
		}

	}

	/**
	 * Jackson's non-blocking parser as the scanner: fed each chunk once (it keeps what it needs of
	 * a token cut between chunks), a frame cut where a top-level value's END token leaves it.
	 */
	static final class NonBlockingJackson extends ByteToMessageDecoder {

		private static final JsonFactory FACTORY = JsonFactory.builder()
			.streamReadConstraints(StreamReadConstraints.builder()
				.maxNestingDepth(10_000)
				.maxNumberLength(100_000)
				.maxStringLength(Integer.MAX_VALUE)
				.build())
			.build();

		private final JsonParser parser = FACTORY.createNonBlockingByteBufferParser(ObjectReadContext.empty());

		private final ByteBufferFeeder feeder = (ByteBufferFeeder) this.parser.nonBlockingInputFeeder();

		/** The stream offset (bytes fed since the start) of the buffer's reader index, and of the end of what was fed. */
		private long readerAt;

		private long fedUntil;

		private long messageStart = -1;

		private int depth;

		@Override
		protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
			long available = this.readerAt + in.readableBytes();
			while (true) {
				if (this.feeder.needMoreInput()) {
					if (this.fedUntil == available) {
						return;
					}
					int from = in.readerIndex() + (int) (this.fedUntil - this.readerAt);
					this.feeder.feedInput(in.nioBuffer(from, (int) (available - this.fedUntil)));
					this.fedUntil = available;
				}
				JsonToken token = this.parser.nextToken();
				if (token == JsonToken.NOT_AVAILABLE) {
					continue;
				}
				if (token.isStructStart()) {
					if (this.depth++ == 0) {
						this.messageStart = this.parser.currentTokenLocation().getByteOffset();
					}
				}
				else if (token.isStructEnd() && --this.depth == 0) {
					long end = this.parser.currentLocation().getByteOffset();
					in.skipBytes((int) (this.messageStart - this.readerAt));
					out.add(in.readRetainedSlice((int) (end - this.messageStart)));
					this.readerAt = end;
				}
			}
		}

	}

}
