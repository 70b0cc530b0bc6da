package io.hellorpc.jsonrpc.server;

import java.nio.charset.StandardCharsets;

import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.server.ServerWireHarness.HandOff;
import io.hellorpc.jsonrpc.support.PlantedBugs;
import io.netty.channel.ChannelHandler;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The server fuzz target can fail: each planted bug (a leaked buffer, a throw from our own code,
 * framing that buffers past the limit) makes {@link ServerWireHarness} fail, while the real
 * pipeline passes the same input with every hand-off.
 */
class ServerWireHarnessTests {

	private static final byte[] CALLS = ("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"a\"}],\"id\":1}"
			+ "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"\"}],\"id\":2}\n"
			+ "{\"method\":\"Nope.Execute\",\"params\":[],\"id\":3}").getBytes(StandardCharsets.UTF_8);

	private static final byte[] LONG_UNFINISHED = ("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\""
			+ "x".repeat(3 * ServerWireHarness.MAX_MESSAGE)).getBytes(StandardCharsets.UTF_8);

	@ParameterizedTest
	@EnumSource(HandOff.class)
	void theRealPipelineKeepsEveryPromise(HandOff handOff) {
		assertThatCode(() -> ServerWireHarness.of(handOff).check(CALLS, 17)).doesNotThrowAnyException();
		assertThatCode(() -> ServerWireHarness.of(handOff).check(LONG_UNFINISHED, 4000)).doesNotThrowAnyException();
	}

	@Test
	void aLeakedFrameFailsTheTarget() {
		ChannelHandler leaking = PlantedBugs.leakingFrames();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness.planted(new JsonFrameDecoder(ServerWireHarness.MAX_MESSAGE), leaking)
				.check(CALLS, 17))
			.withMessageMatching("(?s).*(leaked|not released).*");
	}

	@Test
	void aThrowFromOurOwnCodeFailsTheTarget() {
		ChannelHandler throwing = PlantedBugs.throwing(new IllegalStateException("planted bug"));
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness.planted(new JsonFrameDecoder(ServerWireHarness.MAX_MESSAGE), throwing)
				.check(CALLS, 17))
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
			.isThrownBy(() -> ServerWireHarness.planted(naming).check(CALLS, 17))
			.withMessageContaining("internal detail");
		// What quotes the peer's own input may say anything: that is not ours to hide.
		byte[] peerSaysIt = "{\"method\":\"java.l\\nang.Exception$Inner.X\",\"params\":[],\"id\":1}$".getBytes(StandardCharsets.UTF_8);
		assertThatCode(() -> ServerWireHarness.of(HandOff.INLINE).check(peerSaysIt, 5)).doesNotThrowAnyException();
	}

	@Test
	void framingThatBuffersPastTheLimitFailsTheTarget() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ServerWireHarness.planted(new JsonFrameDecoder(16 * ServerWireHarness.MAX_MESSAGE))
				.check(LONG_UNFINISHED, 100))
			.withMessageContaining("bytes buffered");
	}

}
