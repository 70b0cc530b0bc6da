package io.hellorpc.jsonrpc.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One JSON value's bytes as they came, kept until the type they are read into is known: a call's
 * params until its method is found, a reply's result until its call's result type is known. Go's
 * {@code net/rpc/jsonrpc} keeps both as a {@code json.RawMessage} for the same reason. Reading the
 * bytes straight into that type costs one JSON pass instead of a tree and a second pass over it.
 * The bytes are valid JSON (the frame was checked) and no longer change.
 */
public final class RawJson {

	private static final class Trees {

		static final JsonMapper MAPPER = GoJson.mapper();

	}

	private final byte[] bytes;

	private final int offset;

	private final int length;

	RawJson(byte[] bytes, int offset, int length) {
		this.bytes = bytes;
		this.offset = offset;
		this.length = length;
	}

	/** The value of the given JSON text. */
	public static RawJson of(String json) {
		byte[] bytes = json.strip().getBytes(StandardCharsets.UTF_8);
		return new RawJson(bytes, 0, bytes.length);
	}

	/** The value as a tree, read with Go's rules (strings as Go reads them). */
	public JsonNode asTree() {
		return tree(Trees.MAPPER);
	}

	/** The value's length in bytes. */
	public int length() {
		return this.length;
	}

	public boolean isArray() {
		return first() == '[';
	}

	public boolean isObject() {
		return first() == '{';
	}

	public boolean isNull() {
		return first() == 'n';
	}

	JsonNode tree(JsonMapper mapper) {
		return mapper.readTree(this.bytes, this.offset, this.length);
	}

	JsonParser parser(JsonMapper mapper) {
		return mapper.createParser(this.bytes, this.offset, this.length);
	}

	<T> T read(JsonMapper mapper, JavaType type) {
		return mapper.readValue(this.bytes, this.offset, this.length, type);
	}

	/**
	 * Whether a string in it may hold an escaped surrogate ({@code \ud800}): Go reads a lone one as
	 * U+FFFD, which the tree's node factory does, so such a value is read through a tree.
	 */
	boolean mayHoldEscapedSurrogate() {
		int end = this.offset + this.length - 5;
		for (int i = this.offset; i < end; i++) {
			if (this.bytes[i] == '\\' && this.bytes[i + 1] == 'u' && (this.bytes[i + 2] | 0x20) == 'd') {
				int nibble = Character.digit(this.bytes[i + 3], 16);
				if (nibble >= 8) {
					return true;
				}
			}
		}
		return false;
	}

	byte[] bytes() {
		return this.bytes;
	}

	int offset() {
		return this.offset;
	}

	private int first() {
		return (this.length > 0) ? this.bytes[this.offset] : -1;
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof RawJson raw && Arrays.equals(this.bytes, this.offset, this.offset + this.length, raw.bytes,
				raw.offset, raw.offset + raw.length);
	}

	@Override
	public int hashCode() {
		int hash = 1;
		for (int i = this.offset; i < this.offset + this.length; i++) {
			hash = 31 * hash + this.bytes[i];
		}
		return hash;
	}

	/** The JSON text. */
	@Override
	public String toString() {
		return new String(this.bytes, this.offset, this.length, StandardCharsets.UTF_8);
	}

}
