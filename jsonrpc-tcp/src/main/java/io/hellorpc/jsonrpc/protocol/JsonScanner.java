package io.hellorpc.jsonrpc.protocol;

import java.util.Arrays;

import io.netty.util.ByteProcessor;

/**
 * JSON's grammar (RFC 8259), one byte at a time, as Go's {@code encoding/json} scanner checks it:
 * each byte is judged when it arrives, so a message that breaks the grammar is known broken at
 * the byte that breaks it, not when (or if) its brackets balance. Nesting is kept on a stack of
 * bits (object or array), bounded by Go's {@code maxNestingDepth}. Text inside strings is not
 * decoded (bytes from 0x80 up pass, as Go reads invalid UTF-8 as U+FFFD); numbers are checked for
 * form, not length.
 * <p>
 * {@link #process(byte)} answers {@code false} at the byte that closes the message or at the first
 * byte that breaks it ({@link #broken()}); the first byte of a message must be {@code {} or {@code [}.
 * <p>
 * Written by hand rather than driven by Jackson's non-blocking parser, although that parser costs
 * about the same per frame ({@code bench/FrameDecoderBench}: as fast on long strings, slower on
 * numbers and nesting): in Jackson 3.1 it misses errors that TCP's splits expose. A value missing
 * after {@code :} or {@code ,} ({@code {"a":}}, {@code {"a":1,}}) is taken as valid when the input
 * is split right after the separator, and a number's separator is checked one token late
 * (jackson-core#1640); a framing that waits on it could still wait forever.
 */
final class JsonScanner implements ByteProcessor {

	/** Go's encoding/json {@code maxNestingDepth}, as {@link GoJson} reads. */
	static final int MAX_DEPTH = GoJson.GO_MAX_NESTING_DEPTH;

	private static final int VALUE = 0;

	private static final int ARRAY_FIRST = 1;

	private static final int OBJECT_FIRST = 2;

	private static final int KEY = 3;

	private static final int COLON = 4;

	private static final int AFTER_VALUE = 5;

	private static final int STRING = 6;

	private static final int ESCAPE = 7;

	private static final int HEX = 8;

	private static final int LITERAL = 9;

	private static final int MINUS = 10;

	private static final int ZERO = 11;

	private static final int INTEGER = 12;

	private static final int DOT = 13;

	private static final int FRACTION = 14;

	private static final int EXPONENT = 15;

	private static final int EXPONENT_SIGN = 16;

	private static final int EXPONENT_DIGITS = 17;

	private static final byte[] TRUE = { 'r', 'u', 'e' };

	private static final byte[] FALSE = { 'a', 'l', 's', 'e' };

	private static final byte[] NULL = { 'u', 'l', 'l' };

	private int state = VALUE;

	private int depth;

	/** Bit {@code d} set: the container at depth {@code d + 1} is an object. Grows to {@link #MAX_DEPTH} bits at most. */
	private long[] objects = new long[1];

	/** The string being read is an object's key. */
	private boolean key;

	/** Hex digits left in a {@code \\u} escape. */
	private int hexLeft;

	private byte[] literal;

	private int literalAt;

	private boolean broken;

	private boolean tooDeep;

	/** The last message broke the grammar at the byte where {@link #process(byte)} stopped. */
	boolean broken() {
		return this.broken;
	}

	/** The last message broke the grammar by nesting deeper than {@link #MAX_DEPTH}. */
	boolean tooDeep() {
		return this.tooDeep;
	}

	/** Ready for the next message, after one ended. */
	void reset() {
		this.state = VALUE;
		this.depth = 0;
	}

	/** Kept small, so that it inlines into {@code forEachByte}'s loop: most bytes are plain text inside strings. */
	@Override
	public boolean process(byte b) {
		if (this.state == STRING && b != '"' && b != '\\' && (b < 0 || b >= 0x20)) {
			return true;
		}
		return next(b);
	}

	private boolean next(byte b) {
		switch (this.state) {
			case STRING:
				if (b == '"') {
					this.state = this.key ? COLON : AFTER_VALUE;
				}
				else if (b == '\\') {
					this.state = ESCAPE;
				}
				else if (b >= 0 && b < 0x20) {
					return fail();
				}
				return true;
			case AFTER_VALUE:
				return afterValue(b);
			case VALUE:
				return value(b);
			case ARRAY_FIRST:
				return (b == ']') ? close() : value(b);
			case OBJECT_FIRST:
				return (b == '}') ? close() : key(b);
			case KEY:
				return key(b);
			case COLON:
				if (b == ':') {
					this.state = VALUE;
					return true;
				}
				return isWhitespace(b) || fail();
			case ESCAPE:
				if (b == 'u') {
					this.hexLeft = 4;
					this.state = HEX;
					return true;
				}
				if (b == '"' || b == '\\' || b == '/' || b == 'b' || b == 'f' || b == 'n' || b == 'r' || b == 't') {
					this.state = STRING;
					return true;
				}
				return fail();
			case HEX:
				if ((b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F')) {
					if (--this.hexLeft == 0) {
						this.state = STRING;
					}
					return true;
				}
				return fail();
			case LITERAL:
				if (b != this.literal[this.literalAt]) {
					return fail();
				}
				if (++this.literalAt == this.literal.length) {
					this.state = AFTER_VALUE;
				}
				return true;
			case MINUS:
				if (b == '0') {
					this.state = ZERO;
					return true;
				}
				if (b >= '1' && b <= '9') {
					this.state = INTEGER;
					return true;
				}
				return fail();
			case ZERO:
				return fractionOrExponent(b) || afterValue(b);
			case INTEGER:
				return (b >= '0' && b <= '9') || fractionOrExponent(b) || afterValue(b);
			case DOT:
				if (b >= '0' && b <= '9') {
					this.state = FRACTION;
					return true;
				}
				return fail();
			case FRACTION:
				if (b >= '0' && b <= '9') {
					return true;
				}
				if (b == 'e' || b == 'E') {
					this.state = EXPONENT;
					return true;
				}
				return afterValue(b);
			case EXPONENT:
				if (b == '+' || b == '-') {
					this.state = EXPONENT_SIGN;
					return true;
				}
				return exponentDigit(b);
			case EXPONENT_SIGN:
				return exponentDigit(b);
			case EXPONENT_DIGITS:
				return (b >= '0' && b <= '9') || afterValue(b);
			default:
				throw new IllegalStateException("scanner state " + this.state);
		}
	}

	/** Where a value must start: after {@code :}, after {@code ,} in an array, first in an array, or a message. */
	private boolean value(byte b) {
		switch (b) {
			case '"':
				this.key = false;
				this.state = STRING;
				return true;
			case '{':
				this.state = OBJECT_FIRST;
				return open(true);
			case '[':
				this.state = ARRAY_FIRST;
				return open(false);
			case '-':
				this.state = MINUS;
				return true;
			case '0':
				this.state = ZERO;
				return true;
			case 't':
				return literal(TRUE);
			case 'f':
				return literal(FALSE);
			case 'n':
				return literal(NULL);
			default:
				if (b >= '1' && b <= '9') {
					this.state = INTEGER;
					return true;
				}
				return isWhitespace(b) || fail();
		}
	}

	private boolean key(byte b) {
		if (b == '"') {
			this.key = true;
			this.state = STRING;
			return true;
		}
		return isWhitespace(b) || fail();
	}

	/** After a whole value: a comma, or the bracket that closes the container it is in. */
	private boolean afterValue(byte b) {
		this.state = AFTER_VALUE;
		if (b == ',') {
			this.state = inObject() ? KEY : VALUE;
			return true;
		}
		if (b == '}' || b == ']') {
			return ((b == '}') == inObject()) ? close() : fail();
		}
		return isWhitespace(b) || fail();
	}

	private boolean fractionOrExponent(byte b) {
		if (b == '.') {
			this.state = DOT;
			return true;
		}
		if (b == 'e' || b == 'E') {
			this.state = EXPONENT;
			return true;
		}
		return false;
	}

	private boolean exponentDigit(byte b) {
		if (b >= '0' && b <= '9') {
			this.state = EXPONENT_DIGITS;
			return true;
		}
		return fail();
	}

	private boolean literal(byte[] rest) {
		this.literal = rest;
		this.literalAt = 0;
		this.state = LITERAL;
		return true;
	}

	private boolean open(boolean object) {
		if (this.depth == MAX_DEPTH) {
			this.tooDeep = true;
			return fail();
		}
		int word = this.depth >>> 6;
		if (word == this.objects.length) {
			this.objects = Arrays.copyOf(this.objects, word * 2);
		}
		long bit = 1L << (this.depth & 63);
		this.objects[word] = object ? (this.objects[word] | bit) : (this.objects[word] & ~bit);
		this.depth++;
		return true;
	}

	/** Closes the innermost container; {@code false} (stop) when that ends the message. */
	private boolean close() {
		this.state = AFTER_VALUE;
		return --this.depth > 0;
	}

	private boolean inObject() {
		int top = this.depth - 1;
		return top >= 0 && (this.objects[top >>> 6] & (1L << (top & 63))) != 0;
	}

	private boolean fail() {
		this.broken = true;
		return false;
	}

	static boolean isWhitespace(byte b) {
		return b == ' ' || b == '\n' || b == '\r' || b == '\t';
	}

}
