package io.hellorpc.jsonrpc.server;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.server.ServerWireHarness.HandOff;
import io.hellorpc.jsonrpc.support.PlantedBugs;
import io.netty.channel.ChannelHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The server fuzz target can fail: each planted bug (a reply dropped or sent twice, no close after
 * bad input, a leaked buffer, a throw from our own code, framing that buffers past the limit, an
 * internal detail in an error text, even after the peer's quoted method name) makes
 * {@link ServerWireHarness} fail, while the real pipeline passes the same input with every
 * hand-off, and answers it the same however it is cut: in one piece, byte by byte, at each
 * message boundary, inside each message.
 */
class ServerWireHarnessTests {

	/**
	 * Go calls with ids (one fails, one names no service and has an object for id), a 2.0
	 * notification, and a 2.0 batch of three: one call with an object id (invalid in 2.0: answered
	 * with id null), a notification, one whose param fails validation.
	 */
	private static final byte[] CALLS = ("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"a\"}],\"id\":1}"
			+ "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"\"}],\"id\":\"two\"}\n"
			+ "{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Note\",\"params\":[\"n\"]}"
			+ " [{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Note\",\"params\":[\"b\"],\"id\":{ \"k\" : [1, 2] }},"
			+ "{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Note\",\"params\":[\"c\"]},"
			+ "{\"jsonrpc\":\"2.0\",\"method\":\"Checked.Check\",\"params\":{\"name\":\"\",\"age\":-1},\"id\":18446744073709551615}]"
			+ "{\"method\":\"Nope.Execute\",\"params\":[],\"id\":{ \"k\" : [3] }}").getBytes(StandardCharsets.UTF_8);

	/** Calls, then bad input (not JSON), then a call that must not be read. */
	private static final byte[] CALLS_THEN_BAD = ("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"a\"}],\"id\":1}"
			+ "{\"jsonrpc\":\"2.0\",\"method\":\"Handler.Note\",\"params\":[\"x\"],\"id\":2}"
			+ "{\"jsonrpc\":\"2.0\",\"method\" \"Handler.Note\"}"
			+ "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"late\"}],\"id\":4}").getBytes(StandardCharsets.UTF_8);

	private static final byte[] LONG_UNFINISHED = ("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\""
			+ "x".repeat(3 * ServerWireHarness.MAX_MESSAGE)).getBytes(StandardCharsets.UTF_8);

	private static final byte[] UNKNOWN_SERVICE = "{\"method\":\"Nope.Execute\",\"params\":[],\"id\":1}"
		.getBytes(StandardCharsets.UTF_8);

	@ParameterizedTest
	@EnumSource(HandOff.class)
	void theRealPipelineAnswersEveryCallOnceWithItsIdHoweverTheInputIsCut(HandOff handOff) {
		for (byte[] input : List.of(CALLS, CALLS_THEN_BAD, LONG_UNFINISHED)) {
			List<String> whole = ServerWireHarness.of(handOff).check(input);
			assertThat(ServerWireHarness.of(handOff).check(input, ServerWireHarness.everyByte(input))).isEqualTo(whole);
			assertThat(ServerWireHarness.of(handOff).check(input, ServerWireHarness.messageBoundaries(input))).isEqualTo(whole);
			assertThat(ServerWireHarness.of(handOff).check(input, ServerWireHarness.withinMessages(input))).isEqualTo(whole);
		}
		assertThat(ServerWireHarness.of(handOff).check(CALLS)).containsExactlyInAnyOrder("reply 1", "reply \"two\"",
				"batch [18446744073709551615, null]", "reply {\"k\":[3]}");
		assertThat(ServerWireHarness.of(handOff).check(CALLS_THEN_BAD)).containsExactlyInAnyOrder("reply 1", "reply 2",
				"reply null");
		assertThat(ServerWireHarness.of(handOff).check(LONG_UNFINISHED)).containsExactly("reply null");
	}

	@Test
	void aDroppedReplyFailsTheTarget() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness.planted((pipeline) -> pipeline.addBefore("messages", "bug", PlantedBugs.droppingFirstReply()))
				.check(CALLS))
			.withMessageContaining("replies (one per call");
	}

	@Test
	void aCallAnsweredTwiceFailsTheTarget() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness.planted((pipeline) -> pipeline.addBefore("messages", "bug", PlantedBugs.answeringTwice()))
				.check(CALLS))
			.withMessageContaining("replies (one per call");
	}

	@Test
	void noCloseAfterBadInputFailsTheTarget() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness.planted((pipeline) -> pipeline.addFirst("bug", PlantedBugs.neverClosing()))
				.check(CALLS_THEN_BAD))
			.withMessageContaining("connection left open after bad input");
	}

	@Test
	void aLeakedFrameFailsTheTarget() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness.planted((pipeline) -> pipeline.addBefore("messages", "bug", PlantedBugs.leakingFrames()))
				.check(CALLS))
			.withMessageMatching("(?s).*(leaked|not released).*");
	}

	@Test
	void aThrowFromOurOwnCodeFailsTheTarget() {
		ChannelHandler throwing = PlantedBugs.throwing(new IllegalStateException("planted bug"));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness.planted((pipeline) -> pipeline.addBefore("messages", "bug", throwing)).check(CALLS))
			.withMessageContaining("failures of the server's own code");
	}

	@Test
	void anErrorTextNamingAJavaClassFailsTheTarget() {
		ChannelHandler naming = new io.netty.handler.codec.ByteToMessageDecoder() {
			@Override
			protected void decode(io.netty.channel.ChannelHandlerContext ctx, io.netty.buffer.ByteBuf in, java.util.List<Object> out) {
				in.skipBytes(in.readableBytes());
				throw new io.netty.handler.codec.CorruptedFrameException("io.netty.buffer.PooledByteBuf$Handle refused it");
			}
		};
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness.planted((pipeline) -> pipeline.replace("framing", "framing", naming)).check(CALLS))
			.withMessageContaining("internal detail");
		// What quotes the peer's own input may say anything: that is not ours to hide.
		byte[] peerSaysIt = "{\"method\":\"java.l\\nang.Exception$Inner.X\",\"params\":[],\"id\":1}".getBytes(StandardCharsets.UTF_8);
		assertThat(ServerWireHarness.of(HandOff.INLINE).check(peerSaysIt, 5)).containsExactly("reply 1");
	}

	@Test
	void anInternalDetailAfterTheQuotedMethodFailsTheTarget() {
		assertThat(ServerWireHarness.of(HandOff.INLINE).check(UNKNOWN_SERVICE)).containsExactly("reply 1");
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness.planted((pipeline) -> pipeline.addBefore("messages", "bug",
					PlantedBugs.leakingAfterQuotedMethod(" (io.hellorpc.jsonrpc.server.RpcServiceRegistry.lookup)")))
				.check(UNKNOWN_SERVICE))
			.withMessageContaining("internal detail in rpc: can't find service Nope.Execute (io.hellorpc");
	}

	@Test
	void framingThatBuffersPastTheLimitFailsTheTarget() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness
				.planted((pipeline) -> pipeline.replace("framing", "framing", new JsonFrameDecoder(16 * ServerWireHarness.MAX_MESSAGE)))
				.check(LONG_UNFINISHED, 100))
			.withMessageContaining("bytes buffered");
	}

}
