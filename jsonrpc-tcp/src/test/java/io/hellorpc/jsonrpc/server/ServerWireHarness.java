package io.hellorpc.jsonrpc.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.hellorpc.jsonrpc.autoconfigure.TestValidation;
import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.server.RpcServerProperties.CallThreads;
import io.hellorpc.jsonrpc.server.RpcServerProperties.ClientAuth;
import io.hellorpc.jsonrpc.server.RpcServerProperties.Memory;
import io.hellorpc.jsonrpc.server.RpcServerProperties.Ssl;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TrackingAllocator;
import io.hellorpc.jsonrpc.support.WireModel;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes from a peer, cut wherever the caller says, through the server's real connection pipeline
 * ({@link RpcServerInitializer}: idle timer, flush coalescing, bounded framing, calls; the real
 * properties with a small message limit, dispatcher, registry, observations with
 * a meter handler, and Bean Validation), then every promise checked against
 * {@link ServerWireOracle}: one reply per call with its raw id, none for notifications, one
 * array per batch; after bad input one error line with id null and the connection closed
 * without waiting for the peer; and no failure of our own code, no buffer leaked, never more
 * than one message's limit buffered, no Java or library detail in an error text, nothing left in
 * flight. Used by the fuzz test, and by tests that plant bugs to prove each check can fail.
 */
final class ServerWireHarness {

	static final int MAX_MESSAGE = 1024;

	/**
	 * What no error text may contain: a package-qualified Java name, a stack frame, a library's
	 * exception name, a nested class name.
	 */
	private static final Pattern INTERNAL_DETAIL = Pattern
		.compile("\\b(java|javax|jdk|sun|tools\\.jackson|io\\.netty|io\\.hellorpc)\\.[a-z]|\\tat |[A-Za-z]+Exception\\b|[A-Za-z]\\$[A-Za-z]");

	/** Error texts that quote the peer's method name, as the peer sent it, right after this. */
	private static final List<String> QUOTING_METHOD = List.of("rpc: can't find service ", "rpc: can't find method ",
			"rpc: service/method request ill-formed: ");

	/** The one character a parse error quotes of the peer's input. */
	private static final Pattern QUOTED_CHARACTER = Pattern.compile("invalid character '(\\\\x[0-9a-f]{2}|.)' at byte");

	private static final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	/** Bean Validation, as auto-configured: checks {@code Checked.Person}. */
	private static final RpcParamValidator validator = TestValidation.beanValidation();

	/** How calls leave the event loop: run at once (event-loop mode) or queued and run later (task executor). */
	enum HandOff {

		INLINE, DEFERRED_FIFO, DEFERRED_LIFO

	}

	/** A service whose param is checked by the server's Bean Validation. */
	@RpcEndpoint(name = "Checked")
	static class Checked {

		public String check(@Valid Person person) {
			return "valid " + person.name();
		}

	}

	record Person(@NotBlank String name, @Positive int age) {
	}

	private final HandOff handOff;

	private final Consumer<ChannelPipeline> plant;

	private ServerWireHarness(HandOff handOff, Consumer<ChannelPipeline> plant) {
		this.handOff = handOff;
		this.plant = plant;
	}

	/** The server's own pipeline. */
	static ServerWireHarness of(HandOff handOff) {
		return new ServerWireHarness(handOff, (pipeline) -> {
		});
	}

	/** The server's pipeline with a planted bug: a handler added or replaced by name. */
	static ServerWireHarness planted(Consumer<ChannelPipeline> plant) {
		return new ServerWireHarness(HandOff.INLINE, plant);
	}

	/**
	 * Sends the input cut at each of {@code cuts} (any ints: taken modulo the input's length plus
	 * one, in order), runs every call, checks every promise, and returns the replies (sorted keys).
	 */
	List<String> check(byte[] input, int... cuts) {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
		RpcServerActivity activity = new RpcServerActivity(meters);
		RpcServerProperties properties = new RpcServerProperties("127.0.0.1", 0, DataSize.ofBytes(MAX_MESSAGE), 10, 4,
				1000, Duration.ofSeconds(60), null, Duration.ofSeconds(2), null, Duration.ofSeconds(10), 1, CallThreads.TASK_EXECUTOR,
				new Ssl(null, ClientAuth.NONE, Duration.ofSeconds(10), io.hellorpc.jsonrpc.transport.RpcSslProvider.AUTO), new Memory(DataSize.ofMegabytes(64), 0.8),
				io.hellorpc.jsonrpc.transport.RpcTransport.AUTO,
				new RpcServerProperties.Discovery(false, null, null));
		RpcDispatcher dispatcher = new RpcDispatcher(RpcServiceRegistry
			.of(Map.of("handler", new TestServices.Handler(), "checked", new Checked()), codec), codec, observations,
				activity, validator);
		Deque<Runnable> deferred = new ArrayDeque<>();
		Executor executor = (this.handOff == HandOff.INLINE) ? Runnable::run : deferred::add;
		TrackingAllocator allocator = new TrackingAllocator();
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.config().setAllocator(allocator);
		MemoryBudget budget = new MemoryBudget(properties.memory().budget().toBytes(), 0.8, activity, codec,
				Runnable::run, (underPressure) -> {
				});
		channel.pipeline().addLast(new RpcServerInitializer(properties, codec, dispatcher, executor, executor, activity,
				new Connections(), budget, null, List.of()));
		assertThat(channel.pipeline().names()).as("the server's pipeline")
			.containsSubsequence("idle", "flush", "memory", "framing", "messages", "closer", "admission", "calls");
		this.plant.accept(channel.pipeline());

		ServerWireOracle oracle = ServerWireOracle.of(input, MAX_MESSAGE);
		List<ByteBuf> pieces = pieces(input, cuts);
		List<ByteBuf> sent = new ArrayList<>();
		for (ByteBuf piece : pieces) {
			if (channel.isOpen()) {
				// A closed socket reads nothing more (EmbeddedChannel would throw instead).
				sent.add(piece);
				channel.writeInbound(piece);
				assertBounded(channel);
				runSome(deferred, channel);
			}
			else {
				piece.release();
			}
		}
		runSome(deferred, channel);
		channel.checkException();
		boolean openBeforeEndOfInput = channel.isOpen();
		List<String> replies = new ArrayList<>();
		List<String> errors = new ArrayList<>();
		List<String> codes = new ArrayList<>();
		readReplies(channel, replies, errors, codes);
		assertThat(activity.internalErrors()).as("failures of the server's own code").isZero();
		assertNoInternalDetail(errors, oracle);
		if (oracle.bad) {
			assertThat(openBeforeEndOfInput).as("connection left open after bad input; replies " + replies).isFalse();
		}
		else if (oracle.exact()) {
			assertThat(openBeforeEndOfInput).as("connection closed without bad input; replies " + replies).isTrue();
		}
		if (channel.isOpen()) {
			// The peer's end of input, as a half-closed socket reports it: the server answers, then closes.
			channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
			runSome(deferred, channel);
			assertThat(channel.isOpen()).as("connection left open after the peer's end of input").isFalse();
		}
		readReplies(channel, replies, errors, codes);
		assertThat(activity.internalErrors()).as("failures of the server's own code").isZero();
		assertNoInternalDetail(errors, oracle);

		List<String> expected = new ArrayList<>(oracle.replies);
		if (oracle.bad) {
			expected.add(ServerWireOracle.single("null"));
		}
		expected.sort(Comparator.naturalOrder());
		replies.sort(Comparator.naturalOrder());
		if (oracle.exact()) {
			assertThat(replies).as("replies (one per call with its id, none for notifications, one error line after bad input)")
				.isEqualTo(expected);
			if (oracle.bad && oracle.badLooksV2) {
				assertThat(codes).as("the parse error a JSON-RPC 2.0 peer is due").contains("-32700");
			}
		}
		else {
			List<String> left = new ArrayList<>(replies);
			for (String due : oracle.replies) {
				assertThat(left.remove(due)).as("reply " + due + " among " + replies).isTrue();
			}
			assertThat(left.size()).as("replies past what the input can ask for: " + replies).isLessThanOrEqualTo(oracle.moreAtMost);
		}
		assertThat(activity.callsInFlight()).as("calls left in flight").isZero();
		channel.finishAndReleaseAll();
		assertThat(sent.stream().mapToInt(ByteBuf::refCnt).sum()).as("input buffers not released").isZero();
		assertThat(allocator.unreleased()).as("buffers leaked").isZero();
		return replies;
	}

	private static void assertNoInternalDetail(List<String> errors, ServerWireOracle oracle) {
		for (String error : errors) {
			String ours = ours(WireModel.normalize(error), oracle);
			assertThat(INTERNAL_DETAIL.matcher(ours).find()).as("internal detail in " + error).isFalse();
		}
	}

	/** The error text without what quotes the peer: the method name it sent, a character of its input. */
	private static String ours(String error, ServerWireOracle oracle) {
		String text = QUOTED_CHARACTER.matcher(error).replaceAll("invalid character at byte");
		for (String prefix : QUOTING_METHOD) {
			if (text.startsWith(prefix)) {
				String rest = text.substring(prefix.length());
				String quoted = oracle.peerMethods.stream()
					.filter(rest::startsWith)
					.max(Comparator.comparingInt(String::length))
					.orElse("");
				return prefix + rest.substring(quoted.length());
			}
		}
		return text;
	}

	/** Every reply written so far: its key ({@link ServerWireOracle}), its error texts and codes. */
	private static void readReplies(EmbeddedChannel channel, List<String> replies, List<String> errors, List<String> codes) {
		ByteBuf written;
		while ((written = channel.readOutbound()) != null) {
			String reply = written.toString(StandardCharsets.UTF_8);
			written.release();
			if (reply.isEmpty()) {
				continue; // the empty write a closing connection waits behind
			}
			assertThat(reply).as("a reply line").endsWith("\n").doesNotContain("\n\n");
			try (JsonParser parser = WireModel.parser(reply)) {
				JsonToken first = parser.nextToken();
				if (first == JsonToken.START_OBJECT) {
					replies.add(ServerWireOracle.single(response(parser, reply, errors, codes)));
				}
				else {
					assertThat(first).as(reply).isEqualTo(JsonToken.START_ARRAY);
					List<String> ids = new ArrayList<>();
					while (parser.nextToken() == JsonToken.START_OBJECT) {
						ids.add(response(parser, reply, errors, codes));
					}
					assertThat(parser.currentToken()).as(reply).isEqualTo(JsonToken.END_ARRAY);
					assertThat(ids).as("an empty batch reply: " + reply).isNotEmpty();
					replies.add(ServerWireOracle.batch(ids));
				}
				assertThat(parser.nextToken()).as("one reply per line: " + reply).isNull();
			}
		}
	}

	/** One response object: its raw id; a result or an error, never both. */
	private static String response(JsonParser parser, String reply, List<String> errors, List<String> codes) {
		String id = null;
		boolean result = false;
		boolean error = false;
		String key;
		while ((key = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			if (key.equals("id")) {
				id = WireModel.rawValue(parser, reply);
			}
			else if (key.equals("result")) {
				result = value != JsonToken.VALUE_NULL;
				parser.skipChildren();
			}
			else if (key.equals("error") && value == JsonToken.VALUE_STRING) {
				error = true;
				errors.add(parser.getString());
			}
			else if (key.equals("error") && value == JsonToken.START_OBJECT) {
				error = true;
				while ((key = parser.nextName()) != null) {
					parser.nextToken();
					if (key.equals("message")) {
						errors.add(parser.getString());
					}
					else if (key.equals("code")) {
						codes.add(parser.getText());
					}
					else {
						parser.skipChildren();
					}
				}
			}
			else {
				parser.skipChildren();
			}
		}
		assertThat(id).as("the id of " + reply).isNotNull();
		assertThat(result && error).as("a result and an error in " + reply).isFalse();
		assertThat(result || error || reply.contains("\"result\":null")).as("neither a result nor an error in " + reply).isTrue();
		return id;
	}

	/** The input as TCP might deliver it: cut at each point (modulo length + 1), sorted. */
	private static List<ByteBuf> pieces(byte[] input, int... cuts) {
		int[] at = Arrays.stream(cuts).map((cut) -> Math.floorMod(cut, input.length + 1)).sorted().distinct().toArray();
		List<ByteBuf> pieces = new ArrayList<>();
		int from = 0;
		for (int cut : at) {
			if (cut > from) {
				pieces.add(Unpooled.copiedBuffer(input, from, cut - from));
				from = cut;
			}
		}
		if (from < input.length) {
			pieces.add(Unpooled.copiedBuffer(input, from, input.length - from));
		}
		return pieces;
	}

	/** Every position: the input delivered byte by byte. */
	static int[] everyByte(byte[] input) {
		int[] cuts = new int[input.length];
		Arrays.setAll(cuts, (i) -> i);
		return cuts;
	}

	/** Where each message ends, as the protocol frames them. */
	static int[] messageBoundaries(byte[] input) {
		return WireModel.frames(input, MAX_MESSAGE).ends();
	}

	/** Inside each message: half way through (within a token, or between two). */
	static int[] withinMessages(byte[] input) {
		return WireModel.frames(input, MAX_MESSAGE).frames().stream().mapToInt((frame) -> (frame.start() + frame.end()) / 2).toArray();
	}

	/** Runs the queued calls in the harness's order, and the event-loop tasks they posted, until none is left. */
	private void runSome(Deque<Runnable> deferred, EmbeddedChannel channel) {
		channel.runPendingTasks();
		while (!deferred.isEmpty()) {
			(this.handOff == HandOff.DEFERRED_LIFO ? deferred.pollLast() : deferred.pollFirst()).run();
			channel.runPendingTasks();
		}
	}

	private static void assertBounded(EmbeddedChannel channel) {
		if (channel.isOpen() && channel.pipeline().get("framing") instanceof JsonFrameDecoder decoder) {
			assertThat(decoder.bufferedBytes()).as("bytes buffered for one connection").isLessThanOrEqualTo(MAX_MESSAGE);
		}
	}

	static List<HandOff> handOffs() {
		return List.of(HandOff.values());
	}

}
