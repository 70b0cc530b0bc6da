package io.hellorpc.jsonrpc.client;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.hellorpc.jsonrpc.client.ClientReplyHarness.Detail;
import io.hellorpc.jsonrpc.client.ClientReplyHarness.Reply;
import io.hellorpc.jsonrpc.support.PlantedBugs;
import io.netty.channel.ChannelHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The client fuzz target can fail: each planted bug (a call never settled, a throw from our own
 * code, a leaked frame) makes {@link ClientReplyHarness} fail; the real pipeline passes, settling
 * every call as its reply, bad input or the close says.
 */
class ClientReplyHarnessTests {

	/** Call 0 answered with a result that converts, call 1 with an error; call 2 gets no reply. */
	private static final byte[] REPLY = ("{\"id\":0,\"result\":{\"message\":\"hi\",\"detail\":{\"count\":2,\"ok\":true},"
			+ "\"items\":[{\"count\":1,\"ok\":false}]},\"error\":null}\n{\"id\":1,\"result\":null,\"error\":\"no\"}")
		.getBytes(StandardCharsets.UTF_8);

	@Test
	void theRealPipelineSettlesEveryCallAsTheBytesSay() {
		assertThat(ClientReplyHarness.real().check(REPLY)).containsExactly(
				new Reply("hi", new Detail(2, true), List.of(new Detail(1, false))), "RpcRemoteException",
				"RpcConnectionException");
		// A result that does not convert: a typed failure of that call only.
		assertThat(ClientReplyHarness.real()
			.check("[{\"id\":2,\"result\":{\"detail\":{\"count\":\"two\"}}},{\"id\":0,\"result\":\"text\"}]"
				.getBytes(StandardCharsets.UTF_8)))
			.containsExactly("RpcException", "RpcConnectionException", "RpcException");
		// Bad input fails every waiting call; the one answered before it keeps its answer.
		assertThat(ClientReplyHarness.real().check("{\"id\":1,\"result\":null}{\"id\":0,\"error\":5}".getBytes(StandardCharsets.UTF_8)))
			.containsExactly("RpcConnectionException", null, "RpcConnectionException");
		assertThat(ClientReplyHarness.real().check("x".repeat(10_000).getBytes(StandardCharsets.UTF_8)))
			.containsOnly("RpcConnectionException");
	}

	@Test
	void aCallNeverSettledFailsTheTarget() {
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ClientReplyHarness.planted(PlantedBugs.swallowingRepliesAndClose()).check(REPLY))
			.withMessageContaining("call 0 (due RESULT) settled by its reply");
		// With no reply at all, still caught: at the close.
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> ClientReplyHarness.planted(PlantedBugs.swallowingRepliesAndClose()).check(new byte[0]))
			.withMessageContaining("settled after the close");
	}

	@Test
	void aThrowFromOurOwnCodeFailsTheTarget() {
		ChannelHandler throwing = PlantedBugs.throwing(new NullPointerException("planted bug"));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> ClientReplyHarness.planted(throwing).check(REPLY))
			.withMessageContaining("settled by its reply");
	}

	@Test
	void aLeakedFrameFailsTheTarget() {
		ChannelHandler leaking = PlantedBugs.leakingFrames();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> ClientReplyHarness.planted(leaking).check(REPLY))
			.withMessageMatching("(?s).*(leaked|not released).*");
	}

}
