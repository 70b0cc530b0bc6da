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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

	/**
	 * Each input opened by a {@code [} that never closes, so that only the grammar can tell it is
	 * broken; the byte is where Go 1.x's {@code encoding/json} Decoder stops ({@code SyntaxError.Offset}
	 * is one past it; the {@code [} shifts it back), and the error comes as that byte arrives.
	 */
	@ParameterizedTest
	@CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
			[{"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},{"jsonrpc": "2.0", "method"] | ] | 95
			{"a"]              | ] | 5
			[}                 | } | 2
			{"method" 1}       | 1 | 11
			{"method": }       | } | 12
			{"x":[}            | } | 7
			{"a":tru}          | } | 9
			{"a":01}           | 1 | 7
			{"a":"\\q"}      | q | 8
			{1:2}              | 1 | 2
			{"a":1,}           | } | 8
			[1,]               | ] | 4
			[1 2]              | 2 | 4
			{"a":1 "b":2}      | " | 8
			{"a":-}            | } | 7
			{"a":1.}           | } | 8
			{"a":1e+}          | } | 9
			{"a":"\\u12g4"}  | g | 11
			{"a":0x1}          | x | 7
			[]x                | x | 3
			""")
	void aMessageThatBreaksJsonsGrammarFailsAtTheByteThatBreaksIt(String broken, String character, int at) {
		String input = "[" + broken;
		// The message stops at the byte that breaks it: nothing after it is needed.
		int stop = at + 1;
		EmbeddedChannel channel = new EmbeddedChannel(new JsonFrameDecoder(1024));
		channel.writeInbound(Unpooled.copiedBuffer(input, 0, at, StandardCharsets.UTF_8));
		assertThat((Object) channel.readInbound()).isNull();
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer(input.substring(at, stop), StandardCharsets.UTF_8)))
			.withMessage("invalid character '" + character + "' at byte " + at)
			.satisfies((ex) -> assertThat(ex.looksJsonRpc2()).isEqualTo(broken.contains("jsonrpc")));
		assertThat(channel.finishAndReleaseAll()).isFalse();
	}

	@Test
	void controlCharactersInAStringBreakTheMessage() {
		EmbeddedChannel channel = new EmbeddedChannel(new JsonFrameDecoder(1024));
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer("[{\"a\":\"x\u0001", StandardCharsets.UTF_8)))
			.withMessage("invalid character '\\x01' at byte 8");
	}

	@Test
	void nestingPastGosLimitFailsAtTheBracketThatExceedsIt() {
		EmbeddedChannel channel = new EmbeddedChannel(new JsonFrameDecoder(1 << 20));
		channel.writeInbound(Unpooled.copiedBuffer("[".repeat(GoJson.GO_MAX_NESTING_DEPTH), StandardCharsets.UTF_8));
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> channel.writeInbound(Unpooled.copiedBuffer("[", StandardCharsets.UTF_8)))
			.withMessage("exceeded max depth");
	}

	@Test
	void everyFormOfJsonValueIsFramedWhole() {
		String message = "{\"s\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\u00e9 } ]\",\"n\":[0,-0,1,-12,0.5,-1.25e+10,1E-3,2e7],"
				+ "\"l\":[true,false,null],\"e\":[{},[],{ },[ ]],\"w\" : [ 1 , { \"x\" : null } ] }";
		EmbeddedChannel channel = new EmbeddedChannel(new JsonFrameDecoder(1024));
		channel.writeInbound(Unpooled.copiedBuffer(message + message + "[1]", StandardCharsets.UTF_8));
		List<String> frames = new ArrayList<>();
		ByteBuf frame;
		while ((frame = channel.readInbound()) != null) {
			frames.add(frame.toString(StandardCharsets.UTF_8));
			frame.release();
		}
		assertThat(frames).containsExactly(message, message, "[1]");
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
