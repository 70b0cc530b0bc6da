package io.hellorpc.jsonrpc.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.MalformedMessageException;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.hellorpc.jsonrpc.support.TrackingAllocator;
import io.hellorpc.jsonrpc.support.WireModel;
import io.hellorpc.jsonrpc.support.WireModel.Frame;
import io.hellorpc.jsonrpc.support.WireModel.Frames;
import io.hellorpc.jsonrpc.support.WireModel.Stop;
import io.micrometer.observation.ObservationRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JavaType;

import org.springframework.util.backoff.ExponentialBackOff;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes from a server through the client's real reply pipeline (bounded framing, the connection,
 * the pending calls) with {@value #CALLS} calls waiting, then the connection closed, and every
 * promise checked against what the bytes say (worked out independently, by the protocol): a call
 * whose reply came (the first with its raw id, before any bad input) is settled by it, its
 * result converted by the template's own conversion into a {@link Reply}, or failed with the
 * remote error, or with an {@link RpcException} when the result does not convert; bad input fails
 * every waiting call with an {@link RpcConnectionException}; a call with no reply still waits
 * until the close, which fails it. Every call ends settled, with a value or one of our typed
 * exceptions and nothing else; no buffer is leaked. Used by the fuzz test, and by tests that
 * plant bugs to prove these checks can fail.
 */
final class ClientReplyHarness {

	static final int MAX_MESSAGE = 4096;

	static final int CALLS = 3;

	private static final int SAFE_DEPTH = 400;

	private static final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	/** The template's result conversion. */
	private static final ReplyReader replies = new ReplyReader(codec);

	private static final JavaType REPLY = codec.type(Reply.class);

	/** What the calls answer: text, a nested record and a list of them, so that conversion can fail in many ways. */
	record Reply(String message, Detail detail, List<Detail> items) {
	}

	record Detail(int count, boolean ok) {
	}

	/** How a call must end, as the bytes say. */
	enum Due {

		/** Its reply came: a result (converted or failing to convert) or null. */
		RESULT,

		/** Its reply came with an error. */
		REMOTE_ERROR,

		/** Bad input before its reply: failed with the connection. */
		BROKEN,

		/** An error for no call ({@code "id":null}) before its reply: failed with the server's text. */
		REFUSED,

		/**
		 * Refused unrun ({@code rpc: call not started: …}): never the caller's outcome, the call is
		 * sent again, and with nowhere else to go here (the harness's router opens nothing) it fails so.
		 */
		NOT_RUN,

		/** No reply: waits until the connection closes. */
		WAITING,

		/** Past what the oracle can judge: any typed outcome. */
		ANY

	}

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

	/** Sends the input, then closes the connection; returns how each call ended (for the tests). */
	List<Object> check(byte[] input) {
		TrackingAllocator allocator = new TrackingAllocator();
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.config().setAllocator(allocator);
		// A router of one server that opens nothing (closed): the embedded channel is its connection.
		CallRouter router = new CallRouter("fuzz:1", List::of, Duration.ofMinutes(1), RpcBalancer.LEAST_PENDING, CALLS,
				new RetryPolicy(Set.of(), 3, 100, 0.1), new Bootstrap().group(channel.eventLoop()), channel.eventLoop(),
				new ExponentialBackOff(), codec, MAX_MESSAGE, 3, null, 1000);
		router.close();
		PendingCalls calls = router.calls();
		Replica replica = new Replica(InetSocketAddress.createUnresolved("fuzz", 1), router,
				new Bootstrap().group(channel.eventLoop()), new ExponentialBackOff());
		RpcClientConnection connection = router.newConnection(replica);
		channel.pipeline().addLast(new JsonFrameDecoder(MAX_MESSAGE)).addLast(this.between).addLast(connection);
		connection.ready();
		List<CompletableFuture<Reply>> results = new ArrayList<>();
		for (int id = 0; id < CALLS; id++) {
			String method = "Handler.Execute";
			CompletableFuture<RpcResponse> reply = new CompletableFuture<>();
			PendingCall call = PendingCall.async(id, method, codec.encodeRequest(RpcId.of(id), method, "x"), false, false,
					System.nanoTime() + Duration.ofMinutes(1).toNanos(), 60_000, "fuzz:1", Runnable::run, reply);
			calls.add(call);
			connection.send(call);
			// As the template's async call does: its reply converted into the caller's type.
			results.add(reply.thenApply((response) -> replies.<Reply>result(method, response, REPLY)));
		}
		channel.runPendingTasks();
		channel.releaseOutbound();

		Due[] due = oracle(input);
		ByteBuf bytes = Unpooled.wrappedBuffer(input);
		channel.writeInbound(bytes);
		channel.runPendingTasks();
		channel.checkException();
		for (int id = 0; id < CALLS; id++) {
			CompletableFuture<Reply> result = results.get(id);
			String call = "call " + id + " (due " + due[id] + ")";
			switch (due[id]) {
				case RESULT -> {
					assertThat(result).as(call + " settled by its reply").isDone();
					if (result.isCompletedExceptionally()) {
						assertThat(failure(result)).as(call + " settled by its reply: a result that does not convert")
							.isExactlyInstanceOf(RpcException.class)
							.hasCauseInstanceOf(JacksonException.class);
					}
				}
				case REMOTE_ERROR -> assertThat(failure(result)).as(call + " failed by its error reply")
					.isInstanceOf(RpcRemoteException.class);
				case BROKEN -> {
					Throwable failure = failure(result);
					assertThat(failure).as(call + " failed by bad input").isInstanceOf(RpcConnectionException.class);
					Throwable why = failure.getCause();
					assertThat(why instanceof MalformedMessageException || (why instanceof DecoderException && why.getCause() == null))
						.as(call + " failed by what the bytes do not explain: " + why).isTrue();
				}
				case REFUSED -> assertThat(failure(result)).as(call + " failed by an error for no call")
					.isExactlyInstanceOf(RpcConnectionException.class)
					.hasMessageStartingWith("the server at fuzz:1 answered: ");
				case NOT_RUN -> assertThat(failure(result)).as(call + " refused unrun: sent again, nowhere to go")
					.isExactlyInstanceOf(RpcConnectionException.class)
					.hasMessage("RpcTemplate for fuzz:1 is closed");
				case WAITING -> assertThat(result).as(call + " still waiting for its reply").isNotDone();
				case ANY -> {
				}
			}
		}

		// The server goes away: no call may be left waiting.
		channel.close();
		channel.runPendingTasks();
		List<Object> outcomes = new ArrayList<>();
		for (int id = 0; id < CALLS; id++) {
			CompletableFuture<Reply> result = results.get(id);
			assertThat(result).as("call " + id + " settled after the close").isDone();
			if (result.isCompletedExceptionally()) {
				Throwable failure = failure(result);
				assertThat(failure).as("how call " + id + " failed").isInstanceOf(RpcException.class);
				if (due[id] == Due.WAITING) {
					assertThat(failure).as("call " + id + " failed by the close").isInstanceOf(RpcConnectionException.class);
				}
				outcomes.add(failure.getClass().getSimpleName());
			}
			else {
				outcomes.add(result.join());
			}
		}
		assertThat(calls.size()).as("calls left pending after being settled").isZero();
		channel.finishAndReleaseAll();
		if (input.length > 0) {
			assertThat(bytes.refCnt()).as("input buffer not released").isZero();
		}
		assertThat(allocator.unreleased()).as("buffers leaked").isZero();
		return outcomes;
	}

	/** How each call must end, from the bytes read as the protocol defines them. */
	static Due[] oracle(byte[] input) {
		Due[] due = new Due[CALLS];
		java.util.Arrays.fill(due, Due.WAITING);
		// The first call refused unrun while it waited: the server ran none written after it (the
		// calls are written in id order), so when the connection is lost those go elsewhere too.
		int refusedFrom = CALLS;
		Frames frames = WireModel.frames(input, MAX_MESSAGE);
		for (Frame frame : frames.frames()) {
			if (WireModel.depth(frame.text()) > SAFE_DEPTH) {
				return settleWaiting(due, Due.ANY, refusedFrom);
			}
			List<Map.Entry<String, Due>> replies;
			try {
				replies = replies(frame.text());
			}
			catch (StreamConstraintsException ex) {
				return settleWaiting(due, Due.ANY, refusedFrom);
			}
			catch (JacksonException | IllegalArgumentException ex) {
				return settleWaiting(due, Due.BROKEN, refusedFrom);
			}
			// In the order the client reads them: a reply settles its call if it still waits; an error
			// for no call fails every call still waiting.
			for (Map.Entry<String, Due> reply : replies) {
				if ("null".equals(reply.getKey()) && reply.getValue() == Due.NOT_RUN) {
					continue; // a refusal of no call: nothing to send again, nothing failed
				}
				if ("null".equals(reply.getKey()) && reply.getValue() == Due.REMOTE_ERROR) {
					settleWaiting(due, Due.REFUSED, refusedFrom);
				}
				for (int id = 0; id < CALLS; id++) {
					if (reply.getKey().equals(Integer.toString(id)) && due[id] == Due.WAITING) {
						due[id] = reply.getValue();
						if (reply.getValue() == Due.NOT_RUN) {
							refusedFrom = Math.min(refusedFrom, id);
						}
					}
				}
			}
		}
		if (frames.stop() == Stop.UNCERTAIN) {
			return settleWaiting(due, Due.ANY, refusedFrom);
		}
		return (frames.stop() == Stop.END) ? due : settleWaiting(due, Due.BROKEN, refusedFrom);
	}

	/** The connection is lost ({@code how}): each waiting call ends so, but one known unrun is sent again. */
	private static Due[] settleWaiting(Due[] due, Due how, int refusedFrom) {
		for (int id = 0; id < CALLS; id++) {
			if (due[id] == Due.WAITING) {
				due[id] = (id > refusedFrom && how != Due.ANY) ? Due.NOT_RUN : how;
			}
		}
		return due;
	}

	/**
	 * The replies in one message (an object, or an array of objects) in order, each as its raw id
	 * and outcome; throws {@link IllegalArgumentException} for what is no reply.
	 */
	private static List<Map.Entry<String, Due>> replies(String text) {
		List<Map.Entry<String, Due>> replies = new ArrayList<>();
		try (JsonParser parser = WireModel.parser(text)) {
			if (parser.nextToken() == JsonToken.START_OBJECT) {
				reply(parser, text, replies);
			}
			else {
				JsonToken token;
				while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
					if (token != JsonToken.START_OBJECT) {
						throw new IllegalArgumentException("a batch reply holds objects only");
					}
					reply(parser, text, replies);
				}
			}
			if (parser.nextToken() != null) {
				throw new IllegalArgumentException("more after the message");
			}
		}
		return replies;
	}

	/** One reply object, keys matched ignoring case, the last of each counting (a null error resets nothing). */
	private static void reply(JsonParser parser, String text, List<Map.Entry<String, Due>> replies) {
		String id = "null";
		boolean error = false;
		boolean notRun = false;
		String key;
		while ((key = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			if ("id".equalsIgnoreCase(key)) {
				id = WireModel.rawValue(parser, text);
			}
			else if ("error".equalsIgnoreCase(key)) {
				if (value == JsonToken.VALUE_STRING || value == JsonToken.START_OBJECT) {
					error = true;
					notRun = value == JsonToken.VALUE_STRING && parser.getString().startsWith(RpcErrors.NOT_STARTED_PREFIX);
				}
				else if (value != JsonToken.VALUE_NULL) {
					throw new IllegalArgumentException("an error that is no string");
				}
				parser.skipChildren();
			}
			else {
				parser.skipChildren();
			}
		}
		replies.add(Map.entry(id, notRun ? Due.NOT_RUN : error ? Due.REMOTE_ERROR : Due.RESULT));
	}

	private static Throwable failure(CompletableFuture<?> future) {
		assertThat(future).isCompletedExceptionally();
		try {
			future.join();
			throw new IllegalStateException("not failed");
		}
		catch (CompletionException ex) {
			return ex.getCause();
		}
	}

}
