package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes a server can send back, through the client's real reply pipeline: the call waiting
 * is answered, failed with a connection error, or still waiting; no exception escapes.
 */
class ClientReplyFuzzTests {

	private static final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	@FuzzTest(maxDuration = "30s")
	void anyReplyBytesAnswerOrFailTheWaitingCallCleanly(byte[] input) {
		RpcClientConnection connection = new RpcClientConnection(codec, "fuzz:1");
		EmbeddedChannel channel = new EmbeddedChannel(new JsonFrameDecoder(4096), connection);
		CompletableFuture<RpcResponse> call = connection.send(0, "Handler.Execute", "x", Duration.ofMinutes(1));
		channel.releaseOutbound();
		channel.writeInbound(Unpooled.wrappedBuffer(input));
		channel.runPendingTasks();
		channel.checkException();
		if (call.isCompletedExceptionally()) {
			assertThat(call).failsWithin(Duration.ZERO)
				.withThrowableOfType(java.util.concurrent.ExecutionException.class)
				.havingCause()
				.isInstanceOf(RpcConnectionException.class);
		}
		channel.finishAndReleaseAll();
	}

}
