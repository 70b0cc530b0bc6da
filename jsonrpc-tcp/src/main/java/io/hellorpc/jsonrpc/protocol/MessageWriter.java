package io.hellorpc.jsonrpc.protocol;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes messages, each followed by a newline as Go's encoder does: replies in the dialect of the
 * call they answer (one object, or one array for a batch) and requests as a client sends them.
 */
final class MessageWriter {

	private static final byte NEWLINE = '\n';

	private final JsonMapper mapper;

	MessageWriter(JsonMapper mapper) {
		this.mapper = mapper;
	}

	/** {@code {"id":…,"result":…,"error":…}}: Go's reply. */
	ByteBuf writeGoResponse(ByteBufAllocator allocator, RpcId id, Object result, String error) {
		return write(allocator, (generator) -> goResponse(generator, id, result, error));
	}

	/** The reply to one call, in its dialect. */
	ByteBuf writeResponse(ByteBufAllocator allocator, RpcRequest request, RpcOutcome outcome) {
		return write(allocator, (generator) -> response(generator, request, outcome));
	}

	/** The array that answers a batch: one reply per call that is not a notification, or {@code null} if none is. */
	ByteBuf writeBatchResponse(ByteBufAllocator allocator, List<RpcRequest> calls, List<RpcOutcome> outcomes) {
		if (calls.stream().allMatch(RpcRequest::notification)) {
			return null;
		}
		return write(allocator, (generator) -> {
			generator.writeStartArray();
			for (int i = 0; i < calls.size(); i++) {
				if (!calls.get(i).notification()) {
					response(generator, calls.get(i), outcomes.get(i));
				}
			}
			generator.writeEndArray();
		});
	}

	/** One request as bytes; a JSON-RPC 2.0 one without id is a notification. */
	byte[] encodeRequest(RpcProtocol protocol, RpcId id, String method, Object param, Map<String, String> traceContext) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(128);
		try (JsonGenerator generator = this.mapper.createGenerator(out)) {
			request(generator, protocol, id, method, param, traceContext);
		}
		out.write(NEWLINE);
		return out.toByteArray();
	}

	/** A JSON-RPC 2.0 batch of requests as one array; entries with a null id are notifications. */
	byte[] encodeBatch(List<RpcId> ids, List<String> methods, List<Object> params) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(128 * ids.size());
		try (JsonGenerator generator = this.mapper.createGenerator(out)) {
			generator.writeStartArray();
			for (int i = 0; i < ids.size(); i++) {
				request(generator, RpcProtocol.JSON_RPC_2, ids.get(i), methods.get(i), params.get(i), Map.of());
			}
			generator.writeEndArray();
		}
		out.write(NEWLINE);
		return out.toByteArray();
	}

	private static void request(JsonGenerator generator, RpcProtocol protocol, RpcId id, String method, Object param,
			Map<String, String> traceContext) {
		generator.writeStartObject();
		if (protocol == RpcProtocol.JSON_RPC_2) {
			generator.writeStringProperty("jsonrpc", "2.0");
		}
		generator.writeStringProperty("method", method);
		if (param instanceof ParamsMember member) {
			if (member.value() != null) {
				generator.writeName("params");
				generator.writePOJO(member.value());
			}
		}
		else {
			generator.writeName("params");
			generator.writeStartArray();
			generator.writePOJO(param);
			generator.writeEndArray();
		}
		if (id != null) {
			generator.writeName("id");
			generator.writeRawValue(id.json());
		}
		for (String member : RpcRequest.TRACE_CONTEXT_MEMBERS) {
			String value = traceContext.get(member);
			if (value != null) {
				generator.writeStringProperty(member, value);
			}
		}
		generator.writeEndObject();
	}

	private static void response(JsonGenerator generator, RpcRequest request, RpcOutcome outcome) {
		if (request.protocol() != RpcProtocol.JSON_RPC_2) {
			goResponse(generator, request.id(), outcome.result(),
					(outcome.error() != null) ? outcome.error().message() : null);
			return;
		}
		generator.writeStartObject();
		generator.writeStringProperty("jsonrpc", "2.0");
		if (outcome.error() == null) {
			generator.writeName("result");
			generator.writePOJO(outcome.result());
		}
		else {
			generator.writeName("error");
			generator.writeStartObject();
			generator.writeNumberProperty("code", outcome.error().code());
			generator.writeStringProperty("message", outcome.error().message());
			if (outcome.error().data() != null) {
				generator.writeName("data");
				generator.writePOJO(outcome.error().data());
			}
			generator.writeEndObject();
		}
		generator.writeName("id");
		generator.writeRawValue(request.id().json());
		generator.writeEndObject();
	}

	private static void goResponse(JsonGenerator generator, RpcId id, Object result, String error) {
		generator.writeStartObject();
		generator.writeName("id");
		generator.writeRawValue(id.json());
		generator.writeName("result");
		generator.writePOJO(error == null ? result : null);
		generator.writeName("error");
		generator.writeString(error);
		generator.writeEndObject();
	}

	private interface Body {

		void write(JsonGenerator generator);

	}

	private ByteBuf write(ByteBufAllocator allocator, Body body) {
		ByteBuf buffer = allocator.buffer();
		try {
			try (JsonGenerator generator = this.mapper.createGenerator((OutputStream) new ByteBufOutputStream(buffer))) {
				body.write(generator);
			}
			return buffer.writeByte(NEWLINE);
		}
		catch (RuntimeException ex) {
			buffer.release();
			throw ex;
		}
	}

}
