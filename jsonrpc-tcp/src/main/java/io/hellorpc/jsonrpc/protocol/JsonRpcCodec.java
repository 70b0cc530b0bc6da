package io.hellorpc.jsonrpc.protocol;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
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
	 * Reads one request frame.
	 * @throws MalformedMessageException if the frame is not a JSON object
	 */
	public RpcRequest readRequest(ByteBuf frame) {
		RpcId id = RpcId.NULL;
		String method = null;
		JsonNode params = null;
		try (JsonParser parser = parser(frame)) {
			expectObject(parser);
			String key;
			while ((key = parser.nextName()) != null) {
				JsonToken value = parser.nextToken();
				// Go's encoding/json matches keys ignoring case, so "Method" is a method too.
				if ("method".equalsIgnoreCase(key)) {
					method = (value == JsonToken.VALUE_STRING) ? parser.getString() : rawValue(parser, value);
				}
				else if ("params".equalsIgnoreCase(key)) {
					params = parser.readValueAsTree();
				}
				else if ("id".equalsIgnoreCase(key)) {
					id = readId(parser, value);
				}
				else {
					parser.skipChildren();
				}
			}
			expectEnd(parser);
		}
		catch (JacksonException ex) {
			throw new MalformedMessageException(RpcErrors.malformed(ex.getOriginalMessage()), ex);
		}
		return new RpcRequest(id, method, params);
	}

	/**
	 * Reads one response frame.
	 * @throws MalformedMessageException if the frame is not a JSON object with a string or null error
	 */
	public RpcResponse readResponse(ByteBuf frame) {
		RpcId id = RpcId.NULL;
		JsonNode result = null;
		String error = null;
		try (JsonParser parser = parser(frame)) {
			expectObject(parser);
			String key;
			while ((key = parser.nextName()) != null) {
				JsonToken value = parser.nextToken();
				if ("id".equalsIgnoreCase(key)) {
					id = readId(parser, value);
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
		catch (JacksonException ex) {
			throw new MalformedMessageException(RpcErrors.malformed(ex.getOriginalMessage()), ex);
		}
		return new RpcResponse(id, (result == null || result.isNull()) ? null : result, error);
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

	/** Writes {@code {"method":…,"params":[param],"id":…}} and a newline, as Go's client does. */
	public ByteBuf writeRequest(ByteBufAllocator allocator, RpcId id, String method, Object param) {
		ByteBuf buffer = allocator.buffer();
		try {
			try (JsonGenerator generator = generator(buffer)) {
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
			return buffer.writeByte(NEWLINE);
		}
		catch (RuntimeException ex) {
			buffer.release();
			throw ex;
		}
	}

	public JavaType type(Type type) {
		return this.mapper.constructType(type);
	}

	/** Converts a params value or a result to the Java type a method declares. */
	public <T> T convert(JsonNode value, JavaType type) {
		return this.mapper.treeToValue(value, type);
	}

	private JsonParser parser(ByteBuf frame) {
		if (frame.hasArray()) {
			return this.mapper.createParser(frame.array(), frame.arrayOffset() + frame.readerIndex(), frame.readableBytes());
		}
		return this.mapper.createParser((InputStream) new ByteBufInputStream(frame));
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

	private RpcId readId(JsonParser parser, JsonToken value) {
		return switch (value) {
			case VALUE_NULL -> RpcId.NULL;
			// The number's own text: no conversion, so 18446744073709551615 comes back as sent.
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> new RpcId(parser.getText());
			default -> new RpcId(rawValue(parser, value));
		};
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
