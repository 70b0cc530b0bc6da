package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.MalformedMessageException;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.hellorpc.jsonrpc.support.TrackingAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes from a server through the client's real reply pipeline (bounded framing, the connection),
 * with one call waiting, then every promise checked: the call is answered with its own id, failed
 * with a connection error that the bytes explain (malformed, too large), or still waiting; no
 * other failure of our own code; no buffer leaked; nothing left of a settled call. Used by the
 * fuzz test, and by a test that plants bugs to prove these checks can fail.
 */
final class ClientReplyHarness {

	static final int MAX_MESSAGE = 4096;

	private static final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	private final ChannelHandler[] between;

	private ClientReplyHarness(ChannelHandler... between) {
		this.between = between;
	}

	static ClientReplyHarness real() {
		return new ClientReplyHarness();
	}

	/** The real pipeline with a planted bug: a handler between framing and the connection. */
	static ClientReplyHarness planted(ChannelHandler... between) {
		return new ClientReplyHarness(between);
	}

	void check(byte[] input) {
		PendingCalls calls = new PendingCalls();
		RpcClientConnection connection = new RpcClientConnection(codec, "fuzz:1", calls);
		TrackingAllocator allocator = new TrackingAllocator();
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.config().setAllocator(allocator);
		channel.pipeline().addLast(new JsonFrameDecoder(MAX_MESSAGE)).addLast(this.between).addLast(connection);
		CompletableFuture<RpcResponse> reply = new CompletableFuture<>();
		PendingCall call = PendingCall.async(0, "Handler.Execute", codec.encodeRequest(RpcId.of(0), "Handler.Execute", "x"), false,
				System.nanoTime() + Duration.ofMinutes(1).toNanos(), 60_000, "fuzz:1", Runnable::run, reply);
		calls.add(call);
		connection.send(call);
		channel.runPendingTasks();
		channel.releaseOutbound();
		ByteBuf bytes = Unpooled.wrappedBuffer(input);
		channel.writeInbound(bytes);
		channel.runPendingTasks();
		channel.checkException();

		if (reply.isCompletedExceptionally()) {
			Throwable failure = cause(reply);
			assertThat(failure).as("how the call failed").isInstanceOf(RpcConnectionException.class);
			Throwable why = failure.getCause();
			assertThat(why == null || why instanceof MalformedMessageException
					|| (why instanceof DecoderException && why.getCause() == null))
				.as("a failure the bytes do not explain: " + why).isTrue();
		}
		else if (reply.isDone()) {
			assertThat(reply.join().id().json()).isEqualTo("0");
		}
		if (reply.isDone()) {
			assertThat(calls.size()).as("calls left pending after being settled").isZero();
		}
		channel.finishAndReleaseAll();
		if (input.length > 0) {
			assertThat(bytes.refCnt()).as("input buffer not released").isZero();
		}
		assertThat(allocator.unreleased()).as("buffers leaked").isZero();
	}

	private static Throwable cause(CompletableFuture<?> future) {
		try {
			future.get();
			throw new IllegalStateException("not failed");
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
