package io.hellorpc.jsonrpc.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads frames into messages: requests (either dialect, and JSON-RPC 2.0 batches) on the server,
 * responses on the client. Text is read as Go reads it (invalid UTF-8 as U+FFFD) and an id is kept
 * as the raw JSON it came as, compacted, as Go echoes it. Keys match ignoring case, as in Go.
 */
final class MessageReader {

	private static final String V2 = "2.0";

	/** Longer than any valid trace context (tracestate: 32 members of at most 256 characters); a longer one is ignored. */
	private static final int MAX_TRACE_CONTEXT_LENGTH = 8192 + 512;

	private final JsonMapper mapper;

	MessageReader(JsonMapper mapper) {
		this.mapper = mapper;
	}

	RpcMessage readMessage(ByteBuf frame) {
		return readGoText(frame, this::parseMessage);
	}

	List<RpcResponse> readResponses(ByteBuf frame) {
		return readGoText(frame, this::parseResponses);
	}

	private RpcMessage parseMessage(byte[] bytes, int offset, int length) {
		try (JsonParser parser = this.mapper.createParser(bytes, offset, length)) {
			JsonToken first = parser.nextToken();
			RpcMessage message;
			if (first == JsonToken.START_ARRAY) {
				message = parseBatch(parser, bytes, offset);
			}
			else if (first == JsonToken.START_OBJECT) {
				message = parseRequest(parser, bytes, offset);
			}
			else {
				throw new MalformedMessageException(RpcErrors.malformed("expected a JSON object, got " + describe(first)));
			}
			expectEnd(parser);
			return message;
		}
	}

	private RpcMessage parseBatch(JsonParser parser, byte[] bytes, int offset) {
		List<RpcRequest> calls = new ArrayList<>();
		JsonToken token;
		while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
			if (token == JsonToken.START_OBJECT) {
				RpcRequest call = parseRequest(parser, bytes, offset);
				calls.add((call.protocol() == RpcProtocol.JSON_RPC_2) ? call
						: invalid(call.id(), "a batch holds JSON-RPC 2.0 requests only"));
			}
			else {
				parser.skipChildren();
				calls.add(invalid(RpcId.NULL, "a batch entry must be an object, not " + describe(token)));
			}
		}
		if (calls.isEmpty()) {
			// An empty batch is answered by one error, not by an array.
			return invalid(RpcId.NULL, "empty batch");
		}
		return new RpcBatch(calls);
	}

	/** One request object, the parser on its START_OBJECT; a 2.0 one is checked, Go's taken as Go takes it. */
	private RpcRequest parseRequest(JsonParser parser, byte[] bytes, int offset) {
		RpcId id = RpcId.NULL;
		boolean hasId = false;
		JsonToken idToken = null;
		String method = null;
		JsonToken methodToken = null;
		RawJson params = null;
		boolean v2 = false;
		Map<String, String> traceContext = Map.of();
		String key;
		while ((key = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			if (value == JsonToken.VALUE_STRING && RpcRequest.TRACE_CONTEXT_MEMBERS.contains(key)
					&& parser.getString().length() <= MAX_TRACE_CONTEXT_LENGTH) {
				traceContext = withEntry(traceContext, key, parser.getString());
			}
			else if ("method".equalsIgnoreCase(key)) {
				methodToken = value;
				method = (value == JsonToken.VALUE_STRING) ? parser.getString() : null;
				parser.skipChildren();
			}
			else if ("params".equalsIgnoreCase(key)) {
				params = readRaw(parser, value, bytes, offset);
			}
			else if ("id".equalsIgnoreCase(key)) {
				hasId = true;
				idToken = value;
				id = readId(parser, value, bytes, offset);
			}
			else if ("jsonrpc".equalsIgnoreCase(key)) {
				v2 = value == JsonToken.VALUE_STRING && V2.equals(parser.getString());
				parser.skipChildren();
			}
			else {
				parser.skipChildren();
			}
		}
		if (!v2) {
			return goRequest(id, method, methodToken, params, traceContext);
		}
		if (hasId && idToken != JsonToken.VALUE_STRING && idToken != JsonToken.VALUE_NUMBER_INT
				&& idToken != JsonToken.VALUE_NUMBER_FLOAT && idToken != JsonToken.VALUE_NULL) {
			return invalid(RpcId.NULL, "id must be a string, a number or null");
		}
		if (method == null) {
			return invalid(id, "method must be a string");
		}
		if (params != null && !params.isArray() && !params.isObject()) {
			return invalid(id, "params must be an array or an object");
		}
		return new RpcRequest(id, method, params, RpcProtocol.JSON_RPC_2, !hasId, null, traceContext);
	}

	private static Map<String, String> withEntry(Map<String, String> map, String key, String value) {
		Map<String, String> copy = new HashMap<>(map);
		copy.put(key, value);
		return copy;
	}

	/** Go's dialect: a null method is Go's zero value; any other non-string cannot be a request, as in Go. */
	private static RpcRequest goRequest(RpcId id, String method, JsonToken methodToken, RawJson params,
			Map<String, String> traceContext) {
		if (methodToken != null && methodToken != JsonToken.VALUE_STRING && methodToken != JsonToken.VALUE_NULL) {
			throw new MalformedMessageException(RpcErrors.malformed("method is " + describe(methodToken) + ", not a string"));
		}
		return new RpcRequest(id, (method != null) ? method : "", params, RpcProtocol.GO, false, null, traceContext);
	}

	private static RpcRequest invalid(RpcId id, String why) {
		return new RpcRequest(id, "", null, RpcProtocol.JSON_RPC_2, false,
				RpcError.of(RpcError.INVALID_REQUEST, "Invalid Request: " + why));
	}

	private List<RpcResponse> parseResponses(byte[] bytes, int offset, int length) {
		try (JsonParser parser = this.mapper.createParser(bytes, offset, length)) {
			JsonToken first = parser.nextToken();
			List<RpcResponse> responses = new ArrayList<>(1);
			if (first == JsonToken.START_ARRAY) {
				while (parser.nextToken() == JsonToken.START_OBJECT) {
					responses.add(parseResponse(parser, bytes, offset));
				}
				if (parser.currentToken() != JsonToken.END_ARRAY) {
					throw new MalformedMessageException(RpcErrors.malformed("a batch reply holds objects only"));
				}
			}
			else if (first == JsonToken.START_OBJECT) {
				responses.add(parseResponse(parser, bytes, offset));
			}
			else {
				throw new MalformedMessageException(RpcErrors.malformed("expected a JSON object, got " + describe(first)));
			}
			expectEnd(parser);
			return responses;
		}
	}

	/** One response object (either dialect), the parser on its START_OBJECT. */
	private RpcResponse parseResponse(JsonParser parser, byte[] bytes, int offset) {
		RpcId id = RpcId.NULL;
		RawJson result = null;
		String error = null;
		Integer code = null;
		JsonNode data = null;
		String key;
		while ((key = parser.nextName()) != null) {
			JsonToken value = parser.nextToken();
			if ("id".equalsIgnoreCase(key)) {
				id = readId(parser, value, bytes, offset);
			}
			else if ("result".equalsIgnoreCase(key)) {
				result = (value == JsonToken.VALUE_NULL) ? null : readRaw(parser, value, bytes, offset);
			}
			else if ("error".equalsIgnoreCase(key)) {
				if (value == JsonToken.VALUE_STRING) {
					error = parser.getString();
				}
				else if (value == JsonToken.START_OBJECT) {
					JsonNode object = parser.readValueAsTree();
					JsonNode message = object.get("message");
					JsonNode number = object.get("code");
					error = (message != null && message.isString()) ? message.asString() : object.toString();
					code = (number != null && number.canConvertToInt()) ? number.asInt() : null;
					data = object.get("data");
				}
				else if (value != JsonToken.VALUE_NULL) {
					// Go's client says the same of a non-string error.
					throw new MalformedMessageException(RpcErrors.malformed("invalid error " + parser.getString()));
				}
			}
			else {
				parser.skipChildren();
			}
		}
		return new RpcResponse(id, result, error, code, data);
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
		// A copy of its own: params and results keep slices of it after the frame is released.
		byte[] bytes = ByteBufUtil.getBytes(frame);
		int offset = 0;
		int length = bytes.length;
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
			// Jackson refuses a lone surrogate escape in a property name, which Go reads as U+FFFD
			// (an unknown key, then): such a frame is read again with those escapes as escapes of U+FFFD.
			// Only names are changed, so that an id is still echoed as sent.
			byte[] named = GoText.replaceLoneSurrogateEscapesInNames(bytes, offset, length);
			if (named == null) {
				throw malformed(ex, bytes, offset, length);
			}
			try {
				return parser.parse(named, 0, length);
			}
			catch (JacksonException again) {
				throw malformed(again, named, 0, length);
			}
		}
	}

	/** Says what is wrong and where, in our words (Go's where it has them), never the parser's. */
	private static MalformedMessageException malformed(JacksonException ex, byte[] bytes, int offset, int length) {
		TokenStreamLocation location = ex.getLocation();
		long at = (location != null) ? location.getByteOffset() : -1;
		String problem;
		if (ex instanceof StreamConstraintsException) {
			String text = String.valueOf(ex.getOriginalMessage());
			problem = text.startsWith("Number value length") ? "a number longer than " + GoJson.MAX_NUMBER_LENGTH + " digits"
					: text.contains("nesting depth") ? "exceeded max depth" // Go's words
					: "a value over the parser's limits";
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

	private static void expectEnd(JsonParser parser) {
		JsonToken after = parser.nextToken();
		if (after != null) {
			throw new MalformedMessageException(RpcErrors.malformed("unexpected " + describe(after) + " after the message"));
		}
	}

	/** The id's own bytes, as Go echoes a {@code json.RawMessage}: 18446744073709551615 comes back as sent. */
	private static RpcId readId(JsonParser parser, JsonToken value, byte[] bytes, int offset) {
		if (value == JsonToken.VALUE_NULL) {
			return RpcId.NULL;
		}
		RawJson raw = readRaw(parser, value, bytes, offset);
		return new RpcId(GoText.compact(raw.bytes(), raw.offset(), raw.length()));
	}

	/** The current value's own bytes, the parser left on its last token. */
	private static RawJson readRaw(JsonParser parser, JsonToken value, byte[] bytes, int offset) {
		// The parser counts bytes from where it was given them, not from the array's start.
		int start = offset + (int) parser.currentTokenLocation().getByteOffset();
		if (value.isStructStart()) {
			parser.skipChildren();
		}
		else {
			parser.finishToken();
		}
		int end = offset + (int) parser.currentLocation().getByteOffset();
		return new RawJson(bytes, start, end - start);
	}

	static String describe(JsonToken token) {
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
