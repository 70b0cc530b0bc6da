package io.hellorpc.jsonrpc.protocol;

import java.nio.charset.StandardCharsets;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Go's JSON limits, on the wire: nesting up to 10,000 (encoding/json's maxNestingDepth), numbers of any length. */
class JsonLimitsTests {

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	/**
	 * A call whose whole message nests {@code depth} deep: the envelope (1), params (2), the
	 * request object (3), then an extra member (ignored, as Go ignores unknown fields) of arrays.
	 */
	private static String callNested(int depth) {
		int arrays = depth - 3;
		return "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"deep\",\"Extra\":" + "[".repeat(arrays)
				+ "]".repeat(arrays) + "}],\"id\":1}";
	}

	@Test
	void aMessageNested10000DeepIsServedAsGoServesIt() {
		try (RawConnection connection = server.connect()) {
			connection.send(callNested(10_000));
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":{\"Message\":\"Hello deep\"},\"error\":null}");
		}
	}

	@Test
	void aMessageNested10001DeepIsRefusedWithGosExceededMaxDepth() {
		try (RawConnection connection = server.connect()) {
			connection.send(callNested(10_001));
			assertThat(connection.readLine()).startsWith("{\"id\":null,").contains("exceeded max depth");
		}
	}

	@Test
	void aFiveThousandDigitIdIsEchoedBackExactlyAsSent() {
		String id = "9" + "1234567890".repeat(500).substring(1);
		assertThat(id).hasSize(5_000);
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":" + id + "}");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":" + id + ",\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}");
		}
	}

	@Test
	void aNumberLongerThanAHundredThousandDigitsIsRefusedNamingItsLength() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\",\"Extra\":"
					+ "7".repeat(100_001) + "}],\"id\":1}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":null,\"result\":null,\"error\":"
					+ "\"jsonrpc: malformed message: a number longer than 100000 digits\"}");
		}
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\",\"Extra\":"
					+ "7".repeat(100_000) + "}],\"id\":1}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}");
		}
	}

	@Test
	void aDecoderWithoutALimitFramesASmallMessage() {
		EmbeddedChannel channel = new EmbeddedChannel(new JsonFrameDecoder(Integer.MAX_VALUE));
		String message = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":1}";
		channel.writeInbound(Unpooled.copiedBuffer(message + "\n", StandardCharsets.UTF_8));
		ByteBuf frame = channel.readInbound();
		try {
			assertThat(frame).isNotNull();
			assertThat(frame.toString(StandardCharsets.UTF_8)).isEqualTo(message);
		}
		finally {
			if (frame != null) {
				frame.release();
			}
			channel.finishAndReleaseAll();
		}
	}

}
