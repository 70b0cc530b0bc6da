package io.hellorpc.jsonrpc.support;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.hellorpc.jsonrpc.support.JsonGrammar.Verdict;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire format as the fuzz harnesses' oracles read it, independently of the code under test:
 * a stream of JSON objects or arrays, separated by JSON whitespace or by nothing, each at most
 * the message limit; whatever else comes where a message should start is bad input, and so is a
 * message that breaks JSON's grammar, from the byte that breaks it (as Go's decoder and a JSON-RPC
 * 2.0 server see it, before the brackets balance, if they ever do), as {@link JsonGrammar} judges
 * it. Messages are parsed with a plain Jackson parser (no project configuration), their text read
 * as UTF-8 with every invalid sequence replaced.
 */
public final class WireModel {

	/** A plain mapper: Jackson's defaults, not the project's {@code GoJson}. */
	public static final JsonMapper PLAIN = JsonMapper.builder().build();

	private WireModel() {
	}

	/** One complete message: its bytes {@code [start, end)} and their text. */
	public record Frame(int start, int end, String text) {
	}

	/** How the stream ended: cleanly (maybe inside an unfinished message), or with bad input at {@code stopAt}. */
	public enum Stop {

		/** Every byte read: whitespace, or the start of a message within the limit. */
		END,

		/** Something other than an object or an array where a message starts. */
		NOT_A_MESSAGE,

		/** A message (complete or not) longer than the limit. */
		TOO_LARGE,

		/** A message that breaks JSON's grammar at {@code stopAt}, within the limit. */
		SYNTAX,

		/** A message nested too deep for the oracle's grammar to judge. */
		UNCERTAIN

	}

	/** {@code from}: where the message that stopped the stream starts (or {@code stopAt}). */
	public record Frames(List<Frame> frames, Stop stop, int from, int stopAt) {

		/** Where each message ends: the boundaries at which a peer's writes may be cut. */
		public int[] ends() {
			return this.frames.stream().mapToInt(Frame::end).toArray();
		}

	}

	/** Cuts the stream into messages, as the protocol defines them (not as the decoder under test does). */
	public static Frames frames(byte[] input, int maxMessage) {
		List<Frame> frames = new ArrayList<>();
		int at = 0;
		while (true) {
			while (at < input.length && JsonGrammar.isWhitespace(input[at])) {
				at++;
			}
			if (at == input.length) {
				return new Frames(frames, Stop.END, at, at);
			}
			if (input[at] != '{' && input[at] != '[') {
				return new Frames(frames, Stop.NOT_A_MESSAGE, at, at);
			}
			Verdict verdict = JsonGrammar.value(input, at);
			switch (verdict.kind()) {
				case UNJUDGED:
					return new Frames(frames, Stop.UNCERTAIN, at, at);
				case BROKEN:
					// The decoder holds at most the limit: a byte past it breaks a message already too large.
					return (verdict.at() - at < maxMessage) ? new Frames(frames, Stop.SYNTAX, at, verdict.at())
							: new Frames(frames, Stop.TOO_LARGE, at, at);
				case CUT_SHORT:
					return new Frames(frames, (input.length - at > maxMessage) ? Stop.TOO_LARGE : Stop.END, at, at);
				default:
					break;
			}
			int end = verdict.at();
			if (end - at > maxMessage) {
				return new Frames(frames, Stop.TOO_LARGE, at, at);
			}
			frames.add(new Frame(at, end, text(input, at, end)));
			at = end;
		}
	}

	/** UTF-8 text, each invalid sequence replaced by U+FFFD. */
	public static String text(byte[] bytes, int start, int end) {
		try {
			return StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPLACE)
				.onUnmappableCharacter(CodingErrorAction.REPLACE)
				.decode(ByteBuffer.wrap(bytes, start, end - start))
				.toString();
		}
		catch (java.nio.charset.CharacterCodingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Text compared without what readers may legitimately differ on: lone surrogates read as
	 * U+FFFD, and a run of U+FFFD (how many one invalid sequence becomes differs) as one.
	 */
	public static String normalize(String text) {
		StringBuilder out = new StringBuilder(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				out.append(c).append(text.charAt(++i));
				continue;
			}
			if (Character.isSurrogate(c)) {
				c = '\uFFFD';
			}
			if (c != '\uFFFD' || out.isEmpty() || out.charAt(out.length() - 1) != '\uFFFD') {
				out.append(c);
			}
		}
		return out.toString();
	}

	/** Raw JSON without the whitespace between its tokens. */
	public static String compact(String json) {
		StringBuilder out = new StringBuilder(json.length());
		boolean inString = false;
		for (int i = 0; i < json.length(); i++) {
			char c = json.charAt(i);
			if (inString) {
				out.append(c);
				if (c == '\\' && i + 1 < json.length()) {
					out.append(json.charAt(++i));
				}
				else if (c == '"') {
					inString = false;
				}
			}
			else if (c == '"') {
				inString = true;
				out.append(c);
			}
			else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
				out.append(c);
			}
		}
		return out.toString();
	}

	/**
	 * The raw text of the value the parser is on (a scalar or a whole object or array), compacted
	 * and normalized, the parser left on its last token.
	 */
	public static String rawValue(JsonParser parser, String text) {
		int start = (int) parser.currentTokenLocation().getCharOffset();
		if (parser.currentToken().isStructStart()) {
			parser.skipChildren();
		}
		else {
			parser.finishToken();
		}
		int end = (int) parser.currentLocation().getCharOffset();
		return normalize(compact(text.substring(start, end)));
	}

	/** A parser over one message's text. */
	public static JsonParser parser(String text) {
		return PLAIN.createParser(text);
	}

	/** The deepest nesting of objects and arrays in the message. */
	public static int depth(String text) {
		int depth = 0;
		int deepest = 0;
		boolean inString = false;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (inString) {
				if (c == '\\') {
					i++;
				}
				else if (c == '"') {
					inString = false;
				}
			}
			else if (c == '"') {
				inString = true;
			}
			else if (c == '{' || c == '[') {
				deepest = Math.max(deepest, ++depth);
			}
			else if (c == '}' || c == ']') {
				depth--;
			}
		}
		return deepest;
	}

	/** Whether the token is a scalar a JSON-RPC 2.0 id may be. */
	public static boolean isIdScalar(JsonToken token) {
		return token == JsonToken.VALUE_STRING || token == JsonToken.VALUE_NUMBER_INT
				|| token == JsonToken.VALUE_NUMBER_FLOAT || token == JsonToken.VALUE_NULL;
	}

}
