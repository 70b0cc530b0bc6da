package io.hellorpc.jsonrpc.protocol;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.ByteBufOutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the messages of Go's {@code net/rpc/jsonrpc} codec (one JSON object each,
 * framed elsewhere) and converts params and results between JSON and Java types.
 * Stateless and thread-safe.
 */
public final class JsonRpcCodec {

	private static final byte NEWLINE = '\n';

	private final JsonMapper mapper;

	public JsonRpcCodec(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/**
	 * Reads one request frame. Invalid UTF-8 is read as U+FFFD, as Go does; the id is kept as the raw
	 * JSON it came as (compacted, as Go echoes it).
	 * @throws MalformedMessageException if the frame is not a JSON object
	 */
	public RpcRequest readRequest(ByteBuf frame) {
		return readGoText(frame, this::parseRequest);
	}

	private RpcRequest parseRequest(byte[] bytes, int offset, int length) {
		RpcId id = RpcId.NULL;
		String method = null;
		JsonNode params = null;
		try (JsonParser parser = this.mapper.createParser(bytes, offset, length)) {
			expectObject(parser);
			String key;
			while ((key = parser.nextName()) != null) {
				JsonToken value = parser.nextToken();
				// Go's encoding/json matches keys ignoring case, so "Method" is a method too.
				if ("method".equalsIgnoreCase(key)) {
					method = readMethod(parser, value);
				}
				else if ("params".equalsIgnoreCase(key)) {
					params = parser.readValueAsTree();
				}
				else if ("id".equalsIgnoreCase(key)) {
					id = readId(parser, value, bytes, offset);
				}
				else {
					parser.skipChildren();
				}
			}
			expectEnd(parser);
		}
		return new RpcRequest(id, method, params);
	}

	/**
	 * Reads one response frame.
	 * @throws MalformedMessageException if the frame is not a JSON object with a string or null error
	 */
	public RpcResponse readResponse(ByteBuf frame) {
		return readGoText(frame, this::parseResponse);
	}

	private RpcResponse parseResponse(byte[] bytes, int offset, int length) {
		RpcId id = RpcId.NULL;
		JsonNode result = null;
		String error = null;
		try (JsonParser parser = this.mapper.createParser(bytes, offset, length)) {
			expectObject(parser);
			String key;
			while ((key = parser.nextName()) != null) {
				JsonToken value = parser.nextToken();
				if ("id".equalsIgnoreCase(key)) {
					id = readId(parser, value, bytes, offset);
				}
				else if ("result".equalsIgnoreCase(key)) {
					result = parser.readValueAsTree();
				}
				else if ("error".equalsIgnoreCase(key)) {
					if (value == JsonToken.VALUE_STRING) {
						error = parser.getString();
					}
					else if (value != JsonToken.VALUE_NULL) {
						// Go's client says the same of a non-string error.
						throw new MalformedMessageException(RpcErrors.malformed("invalid error " + rawValue(parser, value)));
					}
				}
				else {
					parser.skipChildren();
				}
			}
			expectEnd(parser);
		}
		return new RpcResponse(id, (result == null || result.isNull()) ? null : result, error);
	}

	private interface FrameParser<T> {

		T parse(byte[] bytes, int offset, int length);

	}

	/**
	 * Parses the frame as Go reads text: every invalid UTF-8 sequence (which the parser would refuse,
	 * or take leniently, such as overlong forms) becomes U+FFFD first. Only frames with non-ASCII
	 * bytes are checked.
	 */
	private static <T> T readGoText(ByteBuf frame, FrameParser<T> parser) {
		byte[] bytes;
		int offset;
		int length = frame.readableBytes();
		if (frame.hasArray()) {
			bytes = frame.array();
			offset = frame.arrayOffset() + frame.readerIndex();
		}
		else {
			bytes = ByteBufUtil.getBytes(frame);
			offset = 0;
		}
		if (GoText.hasNonAscii(bytes, offset, length)) {
			byte[] repaired = GoText.replaceInvalidUtf8(bytes, offset, length);
			if (repaired != null) {
				bytes = repaired;
				offset = 0;
				length = repaired.length;
			}
		}
		try {
			return parser.parse(bytes, offset, length);
		}
		catch (JacksonException ex) {
			throw malformed(ex, bytes, offset, length);
		}
	}

	/** Says what is wrong and where, in our words (Go's where it has them), never the parser's. */
	private static MalformedMessageException malformed(JacksonException ex, byte[] bytes, int offset, int length) {
		TokenStreamLocation location = ex.getLocation();
		long at = (location != null) ? location.getByteOffset() : -1;
		String problem;
		if (ex instanceof StreamConstraintsException) {
			problem = "exceeded max depth"; // Go's words; Jackson's own limit on nesting
		}
		else if (at < 0 || at >= length) {
			problem = "unexpected end of JSON input";
		}
		else {
			problem = "invalid character '" + printable(bytes[offset + (int) at]) + "' at byte " + at;
		}
		return new MalformedMessageException(RpcErrors.malformed(problem), ex);
	}

	private static String printable(byte b) {
		return (b >= 0x20 && b < 0x7F) ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xFF);
	}

	/** Writes {@code {"id":…,"result":…,"error":…}} and a newline, as Go's encoder does. */
	public ByteBuf writeResponse(ByteBufAllocator allocator, RpcId id, Object result, String error) {
		ByteBuf buffer = allocator.buffer();
		try {
			try (JsonGenerator generator = generator(buffer)) {
				generator.writeStartObject();
				generator.writeName("id");
				generator.writeRawValue(id.json());
				generator.writeName("result");
				generator.writePOJO(error == null ? result : null);
				generator.writeName("error");
				generator.writeString(error);
				generator.writeEndObject();
			}
			return buffer.writeByte(NEWLINE);
		}
		catch (RuntimeException ex) {
			buffer.release();
			throw ex;
		}
	}

	/** {@code {"method":…,"params":[param],"id":…}} and a newline, as Go's client writes it, as bytes. */
	public byte[] encodeRequest(RpcId id, String method, Object param) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(128);
		try (JsonGenerator generator = this.mapper.createGenerator(out)) {
			generator.writeStartObject();
			generator.writeStringProperty("method", method);
			generator.writeName("params");
			generator.writeStartArray();
			generator.writePOJO(param);
			generator.writeEndArray();
			generator.writeName("id");
			generator.writeRawValue(id.json());
			generator.writeEndObject();
		}
		out.write(NEWLINE);
		return out.toByteArray();
	}

	public JavaType type(Type type) {
		return this.mapper.constructType(type);
	}

	/**
	 * The call's param as the method's parameter type, with Go's codec semantics: {@code params} is
	 * read into a one-slot array, so {@code []}, {@code [null]} give the zero value and values past
	 * the first are ignored; a value of the wrong JSON type is refused in Go's words.
	 * @throws ParamsException with the reply's error text
	 */
	public Object readParam(JsonNode params, JavaType type) {
		if (params == null || params.isNull()) {
			throw new ParamsException(RpcErrors.missingParams());
		}
		if (!params.isArray()) {
			throw new ParamsException("json: cannot unmarshal " + GoTypeErrors.kindOf(params)
					+ " into Go value of type [1]interface {}");
		}
		JsonNode value = params.get(0);
		if (value == null || value.isNull()) {
			return zeroValue(type);
		}
		try {
			return this.mapper.treeToValue(value, type);
		}
		catch (JacksonException ex) {
			throw new ParamsException(GoTypeErrors.describe(ex, value, type, this.mapper.getTypeFactory()));
		}
	}

	/** Go's zero value: an empty object for a record or bean, "" for a string, 0 or false, else null. */
	private Object zeroValue(JavaType type) {
		Class<?> raw = type.getRawClass();
		if (raw == String.class) {
			return "";
		}
		if (raw.isPrimitive() || Number.class.isAssignableFrom(raw) || raw == Boolean.class) {
			return this.mapper.convertValue(raw == boolean.class || raw == Boolean.class ? Boolean.FALSE : 0, type);
		}
		if (type.isContainerType() || raw.isInterface() || raw == Object.class || raw.isEnum()) {
			return null;
		}
		try {
			return this.mapper.treeToValue(this.mapper.createObjectNode(), type);
		}
		catch (JacksonException ex) {
			return null; // a type that cannot be made empty: null is Java's zero value
		}
	}

	/** Converts a result to the Java type the caller asked for. */
	public <T> T convert(JsonNode value, JavaType type) {
		return this.mapper.treeToValue(value, type);
	}

	private JsonGenerator generator(ByteBuf buffer) {
		return this.mapper.createGenerator((OutputStream) new ByteBufOutputStream(buffer));
	}

	private static void expectObject(JsonParser parser) {
		JsonToken first = parser.nextToken();
		if (first != JsonToken.START_OBJECT) {
			throw new MalformedMessageException(RpcErrors.malformed("expected a JSON object, got " + describe(first)));
		}
	}

	private static void expectEnd(JsonParser parser) {
		JsonToken after = parser.nextToken();
		if (after != null) {
			throw new MalformedMessageException(RpcErrors.malformed("unexpected " + describe(after) + " after the message"));
		}
	}

	/** A string, or "" for null (Go's zero value); anything else cannot be a request, as in Go. */
	private static String readMethod(JsonParser parser, JsonToken value) {
		if (value == JsonToken.VALUE_STRING) {
			return parser.getString();
		}
		if (value == JsonToken.VALUE_NULL) {
			return "";
		}
		throw new MalformedMessageException(RpcErrors.malformed("method is " + describe(value) + ", not a string"));
	}

	/** The id's own bytes, as Go echoes a {@code json.RawMessage}: 18446744073709551615 comes back as sent. */
	private static RpcId readId(JsonParser parser, JsonToken value, byte[] bytes, int offset) {
		if (value == JsonToken.VALUE_NULL) {
			return RpcId.NULL;
		}
		// The parser counts bytes from where it was given them, not from the array's start.
		int start = offset + (int) parser.currentTokenLocation().getByteOffset();
		if (value.isStructStart()) {
			parser.skipChildren();
		}
		else {
			parser.finishToken();
		}
		int end = offset + (int) parser.currentLocation().getByteOffset();
		return new RpcId(GoText.compact(bytes, start, end - start));
	}

	private String rawValue(JsonParser parser, JsonToken value) {
		if (value == JsonToken.VALUE_STRING) {
			return this.mapper.writeValueAsString(parser.getString());
		}
		if (value.isScalarValue()) {
			return parser.getText();
		}
		return this.mapper.writeValueAsString(parser.readValueAsTree());
	}

	private static String describe(JsonToken token) {
		if (token == null) {
			return "the end of input";
		}
		return switch (token) {
			case START_ARRAY -> "an array";
			case START_OBJECT -> "an object";
			case VALUE_STRING -> "a string";
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
			case VALUE_TRUE, VALUE_FALSE -> "a boolean";
			case VALUE_NULL -> "null";
			default -> token.toString();
		};
	}

}
