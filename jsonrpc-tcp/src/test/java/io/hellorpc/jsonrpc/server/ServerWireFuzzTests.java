package io.hellorpc.jsonrpc.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.hellorpc.jsonrpc.support.TestServices;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.json.JsonObjectDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes a peer can send, through the server's real pipeline (bounded framing, then calls run
 * on the real dispatcher and registry), end in valid reply lines or a clean close: no exception
 * escapes, nothing is left running, nothing is buffered past the limit.
 * <p>
 * Without {@code JAZZER_FUZZ=1} this runs the seed corpus in
 * {@code src/test/resources/io/hellorpc/jsonrpc/server/ServerWireFuzzTestsInputs}.
 */
class ServerWireFuzzTests {

	private static final int MAX_MESSAGE = 4096;

	private static final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	private static final RpcDispatcher dispatcher = new RpcDispatcher(
			RpcServiceRegistry.of(Map.of("handler", new TestServices.Handler()), codec), codec, ObservationRegistry.NOOP);

	@FuzzTest(maxDuration = "30s")
	void anyBytesEndInValidRepliesOrACleanClose(byte[] input) {
		RpcServerActivity activity = new RpcServerActivity(new CompositeMeterRegistry());
		EmbeddedChannel channel = new EmbeddedChannel(new JsonObjectDecoder(MAX_MESSAGE),
				new RpcConnectionHandler(codec, dispatcher, Runnable::run, activity, 4, MAX_MESSAGE, 1000));
		// TCP may cut the stream anywhere: deliver it in two pieces.
		int cut = input.length / 3;
		channel.writeInbound(Unpooled.wrappedBuffer(input, 0, cut));
		if (channel.isOpen()) {
			// A closed socket reads nothing more (EmbeddedChannel would throw instead).
			channel.writeInbound(Unpooled.wrappedBuffer(input, cut, input.length - cut));
		}
		channel.runPendingTasks();
		channel.checkException();

		ByteBuf written;
		while ((written = channel.readOutbound()) != null) {
			String reply = written.toString(StandardCharsets.UTF_8);
			written.release();
			assertThat(reply).endsWith("\n");
			RpcResponse response = codec.readResponse(Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8));
			assertThat(response.result() == null || response.error() == null).isTrue();
		}
		assertThat(activity.callsInFlight()).isZero();
		channel.finishAndReleaseAll();
	}

}
