package io.hellorpc.jsonrpc.client;

import java.nio.charset.StandardCharsets;

import io.hellorpc.jsonrpc.support.PlantedBugs;
import io.netty.channel.ChannelHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The client fuzz target can fail: each planted bug makes {@link ClientReplyHarness} fail; the real pipeline passes. */
class ClientReplyHarnessTests {

	private static final byte[] REPLY = "{\"id\":0,\"result\":\"hi\",\"error\":null}\n".getBytes(StandardCharsets.UTF_8);

	@Test
	void theRealPipelineKeepsEveryPromise() {
		assertThatCode(() -> ClientReplyHarness.real().check(REPLY)).doesNotThrowAnyException();
		assertThatCode(() -> ClientReplyHarness.real().check("{\"id\":0,\"error\":5}".getBytes(StandardCharsets.UTF_8)))
			.doesNotThrowAnyException();
		assertThatCode(() -> ClientReplyHarness.real().check("x".repeat(10_000).getBytes(StandardCharsets.UTF_8)))
			.doesNotThrowAnyException();
	}

	@Test
	void aThrowFromOurOwnCodeFailsTheTarget() {
		ChannelHandler throwing = PlantedBugs.throwing(new NullPointerException("planted bug"));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> ClientReplyHarness.planted(throwing).check(REPLY))
			.withMessageContaining("a failure the bytes do not explain");
	}

	@Test
	void aLeakedFrameFailsTheTarget() {
		ChannelHandler leaking = PlantedBugs.leakingFrames();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> ClientReplyHarness.planted(leaking).check(REPLY))
			.withMessageMatching("(?s).*(leaked|not released).*");
	}

}
