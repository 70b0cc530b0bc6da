package io.hellorpc.jsonrpc.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The server's framing (Netty's JsonObjectDecoder, bounded) feeding the codec, as TCP may cut the stream. */
class FramingTests {

	private static final String FIRST = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"a } { \\\" ]\"}],\"id\":1}";

	private static final String SECOND = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"b\"}],\"id\":18446744073709551615}";

	private final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	@Test
	void twoMessagesSplitAtEveryByteAreReadAsTwoCalls() {
		byte[] stream = (FIRST + "\n" + SECOND + "\n").getBytes(StandardCharsets.UTF_8);
		for (int cut = 1; cut < stream.length; cut++) {
			EmbeddedChannel channel = new EmbeddedChannel(new JsonFrameDecoder(1024));
			channel.writeInbound(Unpooled.copiedBuffer(stream, 0, cut));
			channel.writeInbound(Unpooled.copiedBuffer(stream, cut, stream.length - cut));
			assertThat(ids(channel)).as("cut at %d", cut).containsExactly("1", "18446744073709551615");
		}
	}

	@Test
	void messagesJoinedBySpacesNewlinesOrNothingAreAllRead() {
		EmbeddedChannel channel = new EmbeddedChannel(new JsonFrameDecoder(1024));
		channel.writeInbound(Unpooled.copiedBuffer(FIRST + SECOND + " \r\n\t" + FIRST + "\n\n" + SECOND,
				StandardCharsets.UTF_8));
		assertThat(ids(channel)).containsExactly("1", "18446744073709551615", "1", "18446744073709551615");
	}

	@Test
	void aMessageOverTheLimitFailsBeforeItIsWhollyBuffered() {
		EmbeddedChannel channel = new EmbeddedChannel(new JsonFrameDecoder(1024));
		channel.writeInbound(Unpooled.copiedBuffer("{\"method\":\"" + "x".repeat(1000), StandardCharsets.UTF_8));
		assertThatExceptionOfType(TooLongFrameException.class).isThrownBy(
				() -> channel.writeInbound(Unpooled.copiedBuffer("y".repeat(100), StandardCharsets.UTF_8)));
	}

	private List<String> ids(EmbeddedChannel channel) {
		List<String> ids = new ArrayList<>();
		ByteBuf frame;
		while ((frame = channel.readInbound()) != null) {
			try {
				ids.add(this.codec.readRequest(frame).id().json());
			}
			finally {
				frame.release();
			}
		}
		return ids;
	}

}
