package io.hellorpc.jsonrpc.support;

/**
 * JSON's grammar (RFC 8259) read by plain recursive descent, for the fuzz oracles: a judge of one
 * value written apart from, and unlike, the scanner under test (a byte-at-a-time state machine),
 * and checked against Go's {@code encoding/json} by {@code JsonGrammarGoTests}. Text inside
 * strings is not decoded (bytes from 0x80 up pass, as Go reads invalid UTF-8); only the grammar
 * is judged, not sizes or nesting limits.
 */
public final class JsonGrammar {

	/** What the bytes from a value's start say about it. */
	public enum Kind {

		/** The value is whole; {@code at} is just past its last byte. */
		WHOLE,

		/** The input ends inside the value, and more bytes could still make it whole. */
		CUT_SHORT,

		/** The byte at {@code at} breaks the grammar. */
		BROKEN,

		/** Nested too deep for this reader's stack: not judged. */
		UNJUDGED

	}

	public record Verdict(Kind kind, int at) {
	}

	private final byte[] in;

	private int at;

	private JsonGrammar(byte[] in, int start) {
		this.in = in;
		this.at = start;
	}

	/** Reads the one value starting at {@code start} (whitespace before it is skipped). */
	public static Verdict value(byte[] input, int start) {
		JsonGrammar grammar = new JsonGrammar(input, start);
		try {
			grammar.value();
			return new Verdict(Kind.WHOLE, grammar.at);
		}
		catch (CutShort ex) {
			return new Verdict(Kind.CUT_SHORT, input.length);
		}
		catch (Broken ex) {
			return new Verdict(Kind.BROKEN, grammar.at);
		}
		catch (StackOverflowError ex) {
			return new Verdict(Kind.UNJUDGED, start);
		}
	}

	private void value() {
		whitespace();
		switch (peek()) {
			case '{' -> object();
			case '[' -> array();
			case '"' -> string();
			case 't' -> literal("true");
			case 'f' -> literal("false");
			case 'n' -> literal("null");
			default -> number();
		}
	}

	private void object() {
		this.at++;
		whitespace();
		if (peek() == '}') {
			this.at++;
			return;
		}
		while (true) {
			whitespace();
			expect(peek() == '"');
			string();
			whitespace();
			expect(peek() == ':');
			this.at++;
			value();
			whitespace();
			byte next = peek();
			expect(next == ',' || next == '}');
			this.at++;
			if (next == '}') {
				return;
			}
		}
	}

	private void array() {
		this.at++;
		whitespace();
		if (peek() == ']') {
			this.at++;
			return;
		}
		while (true) {
			value();
			whitespace();
			byte next = peek();
			expect(next == ',' || next == ']');
			this.at++;
			if (next == ']') {
				return;
			}
		}
	}

	private void string() {
		this.at++;
		while (true) {
			byte b = peek();
			expect(b < 0 || b >= 0x20);
			this.at++;
			if (b == '"') {
				return;
			}
			if (b == '\\') {
				byte escaped = peek();
				expect("\"\\/bfnrtu".indexOf(escaped) >= 0);
				this.at++;
				if (escaped == 'u') {
					for (int i = 0; i < 4; i++) {
						expect(Character.digit(peek(), 16) >= 0);
						this.at++;
					}
				}
			}
		}
	}

	private void literal(String word) {
		for (int i = 0; i < word.length(); i++) {
			expect(peek() == word.charAt(i));
			this.at++;
		}
	}

	/** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}; what follows is the container's to judge. */
	private void number() {
		if (peek() == '-') {
			this.at++;
		}
		if (peek() == '0') {
			this.at++;
		}
		else {
			expect(peek() >= '1' && peek() <= '9');
			digits();
		}
		if (peek() == '.') {
			this.at++;
			expect(isDigit(peek()));
			digits();
		}
		if (peek() == 'e' || peek() == 'E') {
			this.at++;
			if (peek() == '+' || peek() == '-') {
				this.at++;
			}
			expect(isDigit(peek()));
			digits();
		}
	}

	private void digits() {
		while (isDigit(peek())) {
			this.at++;
		}
	}

	private void whitespace() {
		while (this.at < this.in.length && isWhitespace(this.in[this.at])) {
			this.at++;
		}
	}

	/** The byte at the reading position; the input ending there means the value is cut short. */
	private byte peek() {
		if (this.at == this.in.length) {
			throw CutShort.INSTANCE;
		}
		return this.in[this.at];
	}

	/** The byte at the reading position must be as the grammar says. */
	private static void expect(boolean allowed) {
		if (!allowed) {
			throw Broken.INSTANCE;
		}
	}

	private static boolean isDigit(byte b) {
		return b >= '0' && b <= '9';
	}

	public static boolean isWhitespace(byte b) {
		return b == ' ' || b == '\n' || b == '\r' || b == '\t';
	}

	private static final class CutShort extends RuntimeException {

		static final CutShort INSTANCE = new CutShort();

		private CutShort() {
			super(null, null, false, false);
		}

	}

	private static final class Broken extends RuntimeException {

		static final Broken INSTANCE = new Broken();

		private Broken() {
			super(null, null, false, false);
		}

	}

}
