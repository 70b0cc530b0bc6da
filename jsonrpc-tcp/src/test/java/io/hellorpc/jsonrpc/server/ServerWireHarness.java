package io.hellorpc.jsonrpc.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;

import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TrackingAllocator;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes from a peer through the server's real pipeline (bounded framing, the connection handler,
 * the real dispatcher and registry), then every promise checked: no failure of our own code, no
 * buffer leaked, never more than one message's limit buffered, every reply a valid line with a
 * result or an error and no Java or library detail in it, nothing left in flight. Used by the
 * fuzz test, and by a test that plants bugs to prove these checks can fail.
 */
final class ServerWireHarness {

	static final int MAX_MESSAGE = 4096;

	/**
	 * What no error text may contain: a package-qualified Java name, a stack frame, a library's
	 * exception name, a nested class name.
	 */
	private static final Pattern INTERNAL_DETAIL = Pattern
		.compile("\\b(java|javax|jdk|sun|tools\\.jackson|io\\.netty|io\\.hellorpc)\\.[a-z]|\\tat |[A-Za-z]+Exception\\b|[A-Za-z]\\$[A-Za-z]");

	/** The parts of error texts that quote the peer's own input (a method name, a character), which may say anything. */
	private static final Pattern PEER_INPUT = Pattern
		.compile("(?s)(can't find (service|method) |request ill-formed: ).*|invalid character '(\\\\x[0-9a-f]{2}|.)' at byte");

	private static final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	/** How calls leave the event loop: run at once (event-loop mode) or queued and run later (task executor). */
	enum HandOff {

		INLINE, DEFERRED_FIFO, DEFERRED_LIFO

	}

	private final HandOff handOff;

	private final ChannelHandler framing;

	private final ChannelHandler[] between;

	private ServerWireHarness(HandOff handOff, ChannelHandler framing, ChannelHandler... between) {
		this.handOff = handOff;
		this.framing = framing;
		this.between = between;
	}

	/** The server's own pipeline. */
	static ServerWireHarness of(HandOff handOff) {
		return new ServerWireHarness(handOff, new JsonFrameDecoder(MAX_MESSAGE));
	}

	/** A pipeline with a planted bug: other framing, or a handler between framing and calls. */
	static ServerWireHarness planted(ChannelHandler framing, ChannelHandler... between) {
		return new ServerWireHarness(HandOff.INLINE, framing, between);
	}

	/** Sends the input in two pieces cut at {@code cut}, runs every call, and checks every promise. */
	void check(byte[] input, int cut) {
		RpcServerActivity activity = new RpcServerActivity(new CompositeMeterRegistry());
		RpcDispatcher dispatcher = new RpcDispatcher(
				RpcServiceRegistry.of(Map.of("handler", new TestServices.Handler()), codec), codec,
				ObservationRegistry.NOOP, activity, RpcParamValidator.NONE);
		Deque<Runnable> deferred = new ArrayDeque<>();
		Executor executor = (this.handOff == HandOff.INLINE) ? Runnable::run : deferred::add;
		TrackingAllocator allocator = new TrackingAllocator();
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.config().setAllocator(allocator);
		channel.pipeline().addLast("framing", this.framing);
		channel.pipeline().addLast(this.between);
		channel.pipeline().addLast(new RpcConnectionHandler(codec, dispatcher, executor, activity, 4, MAX_MESSAGE, 1000));

		int at = Math.max(0, Math.min(cut, input.length));
		ByteBuf first = Unpooled.wrappedBuffer(input, 0, at);
		ByteBuf second = Unpooled.wrappedBuffer(input, at, input.length - at);
		channel.writeInbound(first);
		assertBounded(channel);
		runSome(deferred, channel);
		if (channel.isOpen()) {
			// A closed socket reads nothing more (EmbeddedChannel would throw instead).
			channel.writeInbound(second);
			assertBounded(channel);
		}
		else {
			second.release();
		}
		while (!deferred.isEmpty()) {
			runSome(deferred, channel);
		}
		channel.runPendingTasks();
		channel.checkException();

		ByteBuf written;
		while ((written = channel.readOutbound()) != null) {
			String reply = written.toString(StandardCharsets.UTF_8);
			written.release();
			assertThat(reply).endsWith("\n");
			for (RpcResponse response : codec.readResponses(Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8))) {
				assertThat(response.result() == null || response.error() == null).as(reply).isTrue();
				if (response.error() != null) {
					String ours = PEER_INPUT.matcher(response.error()).replaceAll("");
					assertThat(INTERNAL_DETAIL.matcher(ours).find()).as("internal detail in " + reply).isFalse();
				}
			}
		}
		assertThat(activity.internalErrors()).as("failures of the server's own code").isZero();
		assertThat(activity.callsInFlight()).as("calls left in flight").isZero();
		channel.finishAndReleaseAll();
		// An empty piece is Netty's shared empty buffer, which is never released.
		assertThat((at > 0 ? first.refCnt() : 0) + (at < input.length ? second.refCnt() : 0))
			.as("input buffers not released").isZero();
		assertThat(allocator.unreleased()).as("buffers leaked").isZero();
	}

	/** Runs the queued calls in the harness's order, then the event-loop tasks they posted. */
	private void runSome(Deque<Runnable> deferred, EmbeddedChannel channel) {
		while (!deferred.isEmpty()) {
			(this.handOff == HandOff.DEFERRED_LIFO ? deferred.pollLast() : deferred.pollFirst()).run();
		}
		channel.runPendingTasks();
	}

	private void assertBounded(EmbeddedChannel channel) {
		if (this.framing instanceof JsonFrameDecoder decoder && channel.isOpen()) {
			assertThat(decoder.bufferedBytes()).as("bytes buffered for one connection").isLessThanOrEqualTo(MAX_MESSAGE);
		}
	}

	static List<HandOff> handOffs() {
		return List.of(HandOff.values());
	}

}
