package io.hellorpc.jsonrpc.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.hellorpc.jsonrpc.support.WireModel;
import io.hellorpc.jsonrpc.support.WireModel.Frame;
import io.hellorpc.jsonrpc.support.WireModel.Frames;
import io.hellorpc.jsonrpc.support.WireModel.Stop;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.exc.StreamConstraintsException;

/**
 * What the server must answer to the bytes a peer sent, worked out from the protocol, not from
 * the server's code: which complete messages were calls with an id (one reply each, carrying that
 * raw id), notifications (none), batches (one array of replies, one per call that is not a
 * notification), or bad input (one error line with id null, then the connection closed, and
 * nothing read after it). Exact up to the first message the plain parser cannot judge the way
 * the server's must (nesting or numbers near Jackson's limits); from there on, {@link #exact()}
 * is false and only bounds are known.
 */
final class ServerWireOracle {

	/** Below Jackson's own limits (nesting 500 by default, numbers 1000 digits): past them both parsers may differ. */
	private static final int SAFE_DEPTH = 400;

	private static final int SAFE_NUMBER = 500;

	/** The replies due, as {@link #single(String)} and {@link #batch(List)} keys. */
	final List<String> replies = new ArrayList<>();

	/** Method names the peer sent, normalized: error texts may quote them. */
	final Set<String> peerMethods = new HashSet<>();

	/** Bad input was read (exactly known): an error line with id null is due, then the close. */
	boolean bad;

	/** The bad message looks like JSON-RPC 2.0 (it names {@code "jsonrpc"}): its error is a parse error. */
	boolean badLooksV2;

	/** Where the oracle stopped being exact; the input's length when it never did. */
	int exactUntil;

	/** Messages (or batch entries) that may still be answered past {@link #exactUntil}: an upper bound. */
	int moreAtMost;

	private final byte[] input;

	private ServerWireOracle(byte[] input) {
		this.input = input;
		this.exactUntil = input.length;
	}

	boolean exact() {
		return this.exactUntil == this.input.length;
	}

	static ServerWireOracle of(byte[] input, int maxMessage) {
		ServerWireOracle oracle = new ServerWireOracle(input);
		Frames frames = WireModel.frames(input, maxMessage);
		for (Frame frame : frames.frames()) {
			if (!oracle.read(frame)) {
				return oracle;
			}
		}
		if (frames.stop() == Stop.UNCERTAIN) {
			oracle.exactUntil = frames.from();
			return oracle;
		}
		if (frames.stop() != Stop.END) {
			oracle.bad = true;
			// Only the bytes read up to the one that broke the message can tell its dialect.
			oracle.badLooksV2 = frames.stop() == Stop.SYNTAX
					&& WireModel.text(input, frames.from(), frames.stopAt() + 1).contains("\"jsonrpc\"");
		}
		return oracle;
	}

	/** Reads one message; {@code false} when nothing after it counts (bad input, or no longer exact). */
	private boolean read(Frame frame) {
		String text = frame.text();
		if (WireModel.depth(text) > SAFE_DEPTH || longestNumber(text) > SAFE_NUMBER) {
			return inexact(frame);
		}
		List<String> due = new ArrayList<>();
		try (JsonParser parser = WireModel.parser(text)) {
			JsonToken first = parser.nextToken();
			if (first == JsonToken.START_OBJECT) {
				Call call = call(parser, text);
				if (call.goMethodNotAString) {
					return bad(text);
				}
				if (call.replyId != null) {
					due.add(single(call.replyId));
				}
			}
			else {
				List<String> ids = new ArrayList<>();
				int entries = 0;
				JsonToken token;
				while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
					entries++;
					if (token == JsonToken.START_OBJECT) {
						Call call = call(parser, text);
						if (call.goMethodNotAString) {
							return bad(text);
						}
						if (!call.v2) {
							ids.add(call.id);
						}
						else if (call.replyId != null) {
							ids.add(call.replyId);
						}
					}
					else {
						parser.skipChildren();
						ids.add("null");
					}
				}
				if (entries == 0) {
					due.add(single("null"));
				}
				else if (!ids.isEmpty()) {
					due.add(batch(ids));
				}
			}
			if (parser.nextToken() != null) {
				return bad(text);
			}
		}
		catch (StreamConstraintsException ex) {
			return inexact(frame);
		}
		catch (JacksonException ex) {
			return bad(text);
		}
		this.replies.addAll(due);
		return true;
	}

	private boolean bad(String text) {
		this.bad = true;
		this.badLooksV2 = text.contains("\"jsonrpc\"");
		return false;
	}

	private boolean inexact(Frame frame) {
		this.exactUntil = frame.start();
		for (int i = frame.start(); i < this.input.length; i++) {
			if (this.input[i] == '{' || this.input[i] == '[') {
				this.moreAtMost++;
			}
		}
		// and one error line for bad input
		this.moreAtMost++;
		return false;
	}

	/** One request object, the parser on its START_OBJECT: what answers it. Keys match ignoring case; the last one counts. */
	private Call call(JsonParser parser, String text) {
		Call call = new Call();
		boolean hasId = false;
		JsonToken idToken = null;
		JsonToken methodToken = null;
		JsonToken paramsToken = null;
		String key;
		while ((key = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			if ("method".equalsIgnoreCase(key)) {
				methodToken = value;
				if (value == JsonToken.VALUE_STRING) {
					this.peerMethods.add(WireModel.normalize(parser.getString()));
				}
				parser.skipChildren();
			}
			else if ("id".equalsIgnoreCase(key)) {
				hasId = true;
				idToken = value;
				call.id = WireModel.rawValue(parser, text);
			}
			else if ("params".equalsIgnoreCase(key)) {
				paramsToken = value;
				parser.skipChildren();
			}
			else if ("jsonrpc".equalsIgnoreCase(key)) {
				call.v2 = value == JsonToken.VALUE_STRING && "2.0".equals(parser.getString());
				parser.skipChildren();
			}
			else {
				parser.skipChildren();
			}
		}
		if (!call.v2) {
			// Go's dialect: every request is answered, a missing or null id as null; a method that is neither a string nor null is not a request.
			call.goMethodNotAString = methodToken != null && methodToken != JsonToken.VALUE_STRING && methodToken != JsonToken.VALUE_NULL;
			call.replyId = call.id;
			return call;
		}
		boolean validId = !hasId || WireModel.isIdScalar(idToken);
		boolean valid = validId && methodToken == JsonToken.VALUE_STRING
				&& (paramsToken == null || paramsToken == JsonToken.START_ARRAY || paramsToken == JsonToken.START_OBJECT);
		if (!validId) {
			call.replyId = "null";
		}
		else if (valid && !hasId) {
			call.replyId = null; // a notification
		}
		else {
			call.replyId = call.id;
		}
		return call;
	}

	private static int longestNumber(String text) {
		int longest = 0;
		int run = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			run = ((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+') ? run + 1 : 0;
			longest = Math.max(longest, run);
		}
		return longest;
	}

	static String single(String id) {
		return "reply " + unescapeHtml(id);
	}

	static String batch(List<String> ids) {
		return "batch " + ids.stream().map(ServerWireOracle::unescapeHtml).sorted().toList();
	}

	/** An id as the peer wrote it or as Go's encoder escapes it ({@code <}, {@code >}, {@code &}, U+2028, U+2029): the same id. */
	private static String unescapeHtml(String id) {
		return id.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
			.replace("\\u2028", "\u2028").replace("\\u2029", "\u2029");
	}

	private static final class Call {

		String id = "null";

		/** {@code null}: no reply (a notification). */
		String replyId;

		boolean v2;

		boolean goMethodNotAString;

	}

}
