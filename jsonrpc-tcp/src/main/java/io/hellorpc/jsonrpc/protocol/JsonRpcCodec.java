package io.hellorpc.jsonrpc.protocol;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and writes the messages of both dialects — Go's {@code net/rpc/jsonrpc} and JSON-RPC 2.0,
 * chosen per message — (one JSON value each, framed elsewhere), and converts params and results
 * between JSON and Java types with Go's semantics. Stateless and thread-safe.
 */
public final class JsonRpcCodec {

	private final JsonMapper mapper;

	/** Reads one value where the parser stands, leaving what follows (the rest of a params array) unread. */
	private final ObjectReader valueReader;

	private final MessageReader reader;

	private final MessageWriter writer;

	public JsonRpcCodec(JsonMapper mapper) {
		this.mapper = mapper;
		this.valueReader = mapper.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
		this.reader = new MessageReader(mapper);
		this.writer = new MessageWriter(mapper);
	}

	/**
	 * Reads one frame from a peer: a call, or a JSON-RPC 2.0 batch.
	 * @throws MalformedMessageException if the frame is not JSON, or neither an object nor an array
	 */
	public RpcMessage readMessage(ByteBuf frame) {
		return this.reader.readMessage(frame);
	}

	/**
	 * Reads one frame that must be a single call.
	 * @throws MalformedMessageException if it is not
	 */
	public RpcRequest readRequest(ByteBuf frame) {
		if (readMessage(frame) instanceof RpcRequest request) {
			return request;
		}
		throw new MalformedMessageException(RpcErrors.malformed("expected a JSON object, got an array"));
	}

	/**
	 * Reads one reply frame: one reply, or the array answering a batch.
	 * @throws MalformedMessageException if a reply is not an object with a result or an error
	 */
	public List<RpcResponse> readResponses(ByteBuf frame) {
		return this.reader.readResponses(frame);
	}

	/** Reads one reply frame holding one reply. */
	public RpcResponse readResponse(ByteBuf frame) {
		List<RpcResponse> responses = readResponses(frame);
		if (responses.size() != 1) {
			throw new MalformedMessageException(RpcErrors.malformed("expected one reply, got " + responses.size()));
		}
		return responses.get(0);
	}

	/** Writes {@code {"id":…,"result":…,"error":…}} and a newline, as Go's encoder does. */
	public ByteBuf writeResponse(ByteBufAllocator allocator, RpcId id, Object result, String error) {
		return this.writer.writeGoResponse(allocator, id, result, error);
	}

	/** Writes the reply to a call in the call's dialect, and a newline. */
	public ByteBuf writeResponse(ByteBufAllocator allocator, RpcRequest request, RpcOutcome outcome) {
		return this.writer.writeResponse(allocator, request, outcome);
	}

	/** Whether the reply to this call can be encoded (its result is one Jackson can write). */
	public boolean canWrite(RpcRequest request, RpcOutcome outcome) {
		try {
			this.writer.writeResponse(UnpooledByteBufAllocator.DEFAULT, request, outcome).release();
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** Writes the array answering a batch, or returns {@code null} when every call was a notification. */
	public ByteBuf writeBatchResponse(ByteBufAllocator allocator, List<RpcRequest> calls, List<RpcOutcome> outcomes) {
		return this.writer.writeBatchResponse(allocator, calls, outcomes);
	}

	/** {@code {"method":…,"params":[param],"id":…}} and a newline, as Go's client writes it, as bytes. */
	public byte[] encodeRequest(RpcId id, String method, Object param) {
		return this.writer.encodeRequest(RpcProtocol.GO, id, method, param, Map.of());
	}

	/** A request in the given dialect; a JSON-RPC 2.0 one with a {@code null} id is a notification. */
	public byte[] encodeRequest(RpcProtocol protocol, RpcId id, String method, Object param) {
		return this.writer.encodeRequest(protocol, id, method, param, Map.of());
	}

	/**
	 * A request line carrying the caller's trace context as extra members of the request object
	 * ({@code "traceparent":"00-…"}); only {@link RpcRequest#TRACE_CONTEXT_MEMBERS} are written.
	 */
	public byte[] encodeRequest(RpcProtocol protocol, RpcId id, String method, Object param,
			Map<String, String> traceContext) {
		return this.writer.encodeRequest(protocol, id, method, param, traceContext);
	}

	/** A JSON-RPC 2.0 batch as one message; entries with a {@code null} id are notifications. */
	public byte[] encodeBatch(List<RpcId> ids, List<String> methods, List<Object> params) {
		return this.writer.encodeBatch(ids, methods, params);
	}

	/** Converts a JSON-RPC 2.0 error's data to plain Java (maps, lists, strings, numbers). */
	public Object plain(JsonNode value) {
		return (value == null || value.isNull()) ? null : this.mapper.treeToValue(value, Object.class);
	}

	/** The mapper params and results are converted with: what names and shapes they have on the wire. */
	public JsonMapper mapper() {
		return this.mapper;
	}

	public JavaType type(Type type) {
		return this.mapper.constructType(type);
	}

	/** The array type of the given element type ({@code T[]} of a resolved {@code T}). */
	public JavaType arrayType(JavaType elementType) {
		return this.mapper.getTypeFactory().constructArrayType(elementType);
	}

	/**
	 * The call's param as the method's parameter type, with Go's codec semantics: {@code params} is
	 * read into a one-slot array, so {@code []}, {@code [null]} give the zero value and values past
	 * the first are ignored; a value of the wrong JSON type is refused in Go's words.
	 * @throws ParamsException with the reply's error text
	 */
	public Object readParam(RawJson params, JavaType type) {
		return readParam(params, type, false);
	}

	/**
	 * As {@link #readParam(RawJson, JavaType)}; with {@code named} (JSON-RPC 2.0), an object
	 * {@code params} is the parameter itself and missing params give the zero value. The value is
	 * read straight from its bytes; only a value that fails (to word the failure as Go does) or may
	 * hold an escaped surrogate is read through a tree.
	 */
	public Object readParam(RawJson params, JavaType type, boolean named) {
		if (params == null || params.isNull()) {
			if (named) {
				return zeroValue(type);
			}
			throw new ParamsException(RpcErrors.missingParams());
		}
		if (params.isArray()) {
			if (!params.mayHoldEscapedSurrogate()) {
				try (JsonParser parser = params.parser(this.mapper)) {
					parser.nextToken();
					JsonToken first = parser.nextToken();
					if (first == JsonToken.END_ARRAY || first == JsonToken.VALUE_NULL) {
						return zeroValue(type);
					}
					return this.valueReader.forType(type).readValue(parser);
				}
				catch (JacksonException ex) {
					// read again below, through the tree that words the failure
				}
			}
			return readValue(params.tree(this.mapper).get(0), type);
		}
		if (named && params.isObject()) {
			// JSON-RPC 2.0 named params: the object is the one parameter
			if (!params.mayHoldEscapedSurrogate()) {
				try {
					return params.read(this.mapper, type);
				}
				catch (JacksonException ex) {
					// read again below, through the tree that words the failure
				}
			}
			return readValue(params.tree(this.mapper), type);
		}
		throw new ParamsException("json: cannot unmarshal " + GoTypeErrors.kindOf(params.tree(this.mapper))
				+ " into Go value of type [1]interface {}");
	}

	/** The params as a tree, for binding several params by position or by name. */
	public JsonNode tree(RawJson value) {
		return (value != null) ? value.tree(this.mapper) : null;
	}

	/**
	 * One param value as a parameter's type, with Go's codec semantics: JSON {@code null} (or no
	 * value) is the zero value, a value of the wrong JSON type is refused in Go's words.
	 * @throws ParamsException with Go's text
	 */
	public Object readValue(JsonNode value, JavaType type) {
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

	/** Reads a result as the Java type the caller asked for, straight from its bytes (a tree only as Go's strings need). */
	public <T> T convert(RawJson value, JavaType type) {
		return value.mayHoldEscapedSurrogate() ? this.mapper.treeToValue(value.tree(this.mapper), type)
				: value.read(this.mapper, type);
	}

}
