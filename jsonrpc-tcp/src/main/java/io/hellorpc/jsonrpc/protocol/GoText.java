package io.hellorpc.jsonrpc.protocol;

import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Text as Go's {@code encoding/json} takes it in and gives it back, for the few places Jackson does
 * otherwise: invalid UTF-8 and lone surrogates become U+FFFD (one per bad byte, as Go's
 * {@code utf8.DecodeRune} decides), and a raw value echoed back (an id) is compacted with
 * {@code <}, {@code >}, {@code &}, U+2028 and U+2029 escaped, as Go's encoder does with a
 * {@code json.RawMessage}.
 */
final class GoText {

	private static final byte[] REPLACEMENT = { (byte) 0xEF, (byte) 0xBF, (byte) 0xBD };

	private static final byte[] REPLACEMENT_ESCAPE = "\\uFFFD".getBytes(StandardCharsets.US_ASCII);

	private static final char[] HEX = "0123456789abcdef".toCharArray();

	private GoText() {
	}

	private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

	private static final long HIGH_BITS = 0x8080808080808080L;

	/** Whether any byte is not ASCII: eight bytes a step, so plain ASCII messages cost next to nothing. */
	static boolean hasNonAscii(byte[] bytes, int offset, int length) {
		int i = offset;
		int end = offset + length;
		for (; i + 8 <= end; i += 8) {
			if (((long) LONGS.get(bytes, i) & HIGH_BITS) != 0) {
				return true;
			}
		}
		for (; i < end; i++) {
			if (bytes[i] < 0) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The bytes with every invalid UTF-8 sequence replaced as Go decodes it, or {@code null} when
	 * they are valid UTF-8 already.
	 */
	static byte[] replaceInvalidUtf8(byte[] bytes, int offset, int length) {
		ByteArrayOutputStream out = null;
		int end = offset + length;
		int i = offset;
		int copiedUpTo = offset;
		while (i < end) {
			int b = bytes[i] & 0xFF;
			if (b < 0x80) {
				i++;
				continue;
			}
			int size = validSequenceLength(bytes, i, end);
			if (size > 0) {
				i += size;
				continue;
			}
			if (out == null) {
				out = new ByteArrayOutputStream(length + 16);
			}
			out.write(bytes, copiedUpTo, i - copiedUpTo);
			out.write(REPLACEMENT, 0, REPLACEMENT.length);
			i++;
			copiedUpTo = i;
		}
		if (out == null) {
			return null;
		}
		out.write(bytes, copiedUpTo, end - copiedUpTo);
		return out.toByteArray();
	}

	/** Length of the valid UTF-8 sequence starting at {@code i}, or 0 (Go's first-byte and accept ranges). */
	private static int validSequenceLength(byte[] bytes, int i, int end) {
		int b0 = bytes[i] & 0xFF;
		int size;
		int low = 0x80;
		int high = 0xBF;
		if (b0 >= 0xC2 && b0 <= 0xDF) {
			size = 2;
		}
		else if (b0 >= 0xE0 && b0 <= 0xEF) {
			size = 3;
			if (b0 == 0xE0) {
				low = 0xA0;
			}
			else if (b0 == 0xED) {
				high = 0x9F; // no surrogates
			}
		}
		else if (b0 >= 0xF0 && b0 <= 0xF4) {
			size = 4;
			if (b0 == 0xF0) {
				low = 0x90;
			}
			else if (b0 == 0xF4) {
				high = 0x8F;
			}
		}
		else {
			return 0;
		}
		if (i + size > end) {
			return 0;
		}
		int b1 = bytes[i + 1] & 0xFF;
		if (b1 < low || b1 > high) {
			return 0;
		}
		for (int k = 2; k < size; k++) {
			int b = bytes[i + k] & 0xFF;
			if (b < 0x80 || b > 0xBF) {
				return 0;
			}
		}
		return size;
	}

	/**
	 * The bytes with each lone surrogate escape inside a property name (a string followed by
	 * {@code :}) written as the escape of U+FFFD, as Go decodes it, or {@code null} when no name has one.
	 * Escapes keep their six bytes, so offsets into the copy are offsets into the original.
	 */
	static byte[] replaceLoneSurrogateEscapesInNames(byte[] bytes, int offset, int length) {
		byte[] copy = null;
		int end = offset + length;
		int i = offset;
		while (i < end) {
			if (bytes[i] != '"') {
				i++;
				continue;
			}
			int start = ++i;
			boolean surrogates = false;
			while (i < end && bytes[i] != '"') {
				if (bytes[i] == '\\') {
					surrogates |= surrogateEscape(bytes, i, end) != 0;
					i++;
				}
				i++;
			}
			int close = i++;
			if (surrogates && close < end && followedByColon(bytes, i, end)) {
				if (copy == null) {
					copy = java.util.Arrays.copyOfRange(bytes, offset, end);
				}
				replaceLoneSurrogateEscapes(bytes, start, close, copy, offset);
			}
		}
		return copy;
	}

	private static void replaceLoneSurrogateEscapes(byte[] bytes, int start, int close, byte[] copy, int offset) {
		for (int i = start; i < close; i++) {
			if (bytes[i] != '\\') {
				continue;
			}
			int unit = surrogateEscape(bytes, i, close);
			if (unit >= 0xD800 && unit <= 0xDBFF && surrogateEscape(bytes, i + 6, close) >= 0xDC00) {
				i += 11; // a pair: Jackson reads it as Go does
			}
			else if (unit != 0) {
				System.arraycopy(REPLACEMENT_ESCAPE, 0, copy, i - offset, REPLACEMENT_ESCAPE.length);
				i += 5;
			}
			else {
				i++; // any other escape: its next byte is no escape's start
			}
		}
	}

	/** The UTF-16 unit of a backslash-u escape at {@code at} when it is a surrogate, else 0. */
	private static int surrogateEscape(byte[] bytes, int at, int end) {
		if (at + 6 > end || bytes[at] != '\\' || bytes[at + 1] != 'u') {
			return 0;
		}
		int unit = 0;
		for (int k = at + 2; k < at + 6; k++) {
			int digit = Character.digit(bytes[k], 16);
			if (digit < 0) {
				return 0;
			}
			unit = (unit << 4) | digit;
		}
		return (unit >= 0xD800 && unit <= 0xDFFF) ? unit : 0;
	}

	private static boolean followedByColon(byte[] bytes, int from, int end) {
		for (int i = from; i < end; i++) {
			byte b = bytes[i];
			if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
				return b == ':';
			}
		}
		return false;
	}

	/** The string with each lone surrogate replaced by U+FFFD, or the string itself when it has none. */
	static String replaceLoneSurrogates(String text) {
		int length = text.length();
		for (int i = 0; i < length; i++) {
			if (Character.isSurrogate(text.charAt(i))) {
				return replaceLoneSurrogates(text, i);
			}
		}
		return text;
	}

	private static String replaceLoneSurrogates(String text, int from) {
		StringBuilder out = new StringBuilder(text.length()).append(text, 0, from);
		for (int i = from; i < text.length(); i++) {
			char ch = text.charAt(i);
			if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
				out.append(ch).append(text.charAt(++i));
			}
			else {
				out.append(Character.isSurrogate(ch) ? '\uFFFD' : ch);
			}
		}
		return out.toString();
	}

	/**
	 * A raw JSON value as Go writes a {@code json.RawMessage}: whitespace between tokens dropped,
	 * {@code <}, {@code >}, {@code &}, U+2028 and U+2029 inside strings escaped; all else as sent.
	 */
	static String compact(byte[] bytes, int offset, int length) {
		StringBuilder out = new StringBuilder(length);
		String text = new String(bytes, offset, length, StandardCharsets.UTF_8);
		boolean inString = false;
		boolean escaped = false;
		for (int i = 0; i < text.length(); i++) {
			char ch = text.charAt(i);
			if (inString) {
				if (escaped) {
					escaped = false;
				}
				else if (ch == '\\') {
					escaped = true;
				}
				else if (ch == '"') {
					inString = false;
				}
				else if (ch == '<' || ch == '>' || ch == '&' || ch == '\u2028' || ch == '\u2029') {
					out.append("\\u").append(HEX[ch >> 12 & 0xF]).append(HEX[ch >> 8 & 0xF]).append(HEX[ch >> 4 & 0xF])
						.append(HEX[ch & 0xF]);
					continue;
				}
				out.append(ch);
			}
			else if (ch == '"') {
				inString = true;
				out.append(ch);
			}
			else if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
				out.append(ch);
			}
		}
		return out.toString();
	}

}
