package io.hellorpc.jsonrpc.support;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire format as the fuzz harnesses' oracles read it, independently of the code under test:
 * a stream of JSON objects or arrays, separated by JSON whitespace or by nothing, each at most
 * the message limit; whatever else comes where a message should start is bad input, and so is a
 * message that breaks JSON's grammar, from the byte that breaks it (as Go's decoder and a JSON-RPC
 * 2.0 server see it, before the brackets balance, if they ever do). Messages are
 * parsed with a plain Jackson parser (no project configuration), their text read as UTF-8 with
 * every invalid sequence replaced.
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

		/** Jackson's plain parser noticed an error only at the input's end: broken or unfinished, it cannot tell. */
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
			while (at < input.length && isWhitespace(input[at])) {
				at++;
			}
			if (at == input.length) {
				return new Frames(frames, Stop.END, at, at);
			}
			if (input[at] != '{' && input[at] != '[') {
				return new Frames(frames, Stop.NOT_A_MESSAGE, at, at);
			}
			int broken = firstSyntaxError(input, at);
			if (broken == UNKNOWN) {
				return new Frames(frames, Stop.UNCERTAIN, at, at);
			}
			if (broken >= 0 && broken - at < maxMessage) {
				return new Frames(frames, Stop.SYNTAX, at, broken);
			}
			int end = closing(input, at);
			if ((end < 0) ? input.length - at > maxMessage : end - at > maxMessage) {
				return new Frames(frames, Stop.TOO_LARGE, at, at);
			}
			if (end < 0) {
				return new Frames(frames, Stop.END, at, at);
			}
			frames.add(new Frame(at, end, text(input, at, end)));
			at = end;
		}
	}

	/** Jackson's defaults but for nesting and numbers: a message's grammar, not its size, is judged here. */
	private static final JsonFactory GRAMMAR = JsonFactory.builder()
		.streamReadConstraints(StreamReadConstraints.builder()
			.maxNestingDepth(1_000_000)
			.maxNumberLength(Integer.MAX_VALUE)
			.maxStringLength(Integer.MAX_VALUE)
			.build())
		.build();

	/**
	 * Where the one JSON value starting at {@code start} breaks the grammar, as Jackson's plain
	 * parser reads it, or -1 when it does not (it is whole, or the input ends inside it). Bytes
	 * from 0x80 up stand for any text: as DEL, which JSON takes inside strings and nowhere else.
	 */
	private static final int UNKNOWN = -2;

	private static int firstSyntaxError(byte[] input, int start) {
		// A control byte other than whitespace is wrong anywhere in JSON (in a string or out), so the
		// value breaks there unless it broke or closed before: Jackson judges the bytes before it
		// (it takes a NUL for the end of its input, not for an error).
		int control = -1;
		for (int i = start; i < input.length && control < 0; i++) {
			if (input[i] >= 0 && input[i] < 0x20 && !isWhitespace(input[i])) {
				control = i;
			}
		}
		int ends = (control < 0) ? -1 : control;
		byte[] masked = new byte[((control < 0) ? input.length : control) - start];
		for (int i = 0; i < masked.length; i++) {
			byte b = input[start + i];
			masked[i] = (b < 0) ? 0x7F : b;
		}
		try (JsonParser parser = GRAMMAR.createParser(ObjectReadContext.empty(), masked)) {
			int depth = 0;
			do {
				JsonToken token = parser.nextToken();
				if (token == null) {
					return ends;
				}
				depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
			}
			while (depth > 0);
			return -1;
		}
		catch (UnexpectedEndOfInputException ex) {
			return ends;
		}
		catch (JacksonException ex) {
			long at = (ex.getLocation() != null) ? ex.getLocation().getByteOffset() : -1;
			if (at < 0 || at >= masked.length) {
				// Told at the end ("[+", "[tr"): an error, or a token the input cut short.
				return (ends >= 0) ? ends : UNKNOWN;
			}
			return start + (int) at;
		}
	}

	/** The index just past the bracket that closes the one at {@code start}, or -1 when the input ends first. */
	private static int closing(byte[] input, int start) {
		int depth = 0;
		boolean inString = false;
		for (int i = start; i < input.length; i++) {
			byte b = input[i];
			if (inString) {
				if (b == '\\') {
					i++;
				}
				else if (b == '"') {
					inString = false;
				}
			}
			else if (b == '"') {
				inString = true;
			}
			else if (b == '{' || b == '[') {
				depth++;
			}
			else if ((b == '}' || b == ']') && --depth == 0) {
				return i + 1;
			}
		}
		return -1;
	}

	private static boolean isWhitespace(byte b) {
		return b == ' ' || b == '\n' || b == '\r' || b == '\t';
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
