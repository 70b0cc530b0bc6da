package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.observation.RpcObservationContext;
import io.hellorpc.jsonrpc.observation.RpcObservationConvention;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcRequest;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Runs one call on the calling thread, from request to encoded reply: looks the method up,
 * converts the param, invokes, observes, encodes. Whatever goes wrong becomes the reply's error.
 */
public final class RpcDispatcher {

	private static final Log logger = LogFactory.getLog(RpcDispatcher.class);

	private final RpcServiceRegistry registry;

	private final JsonRpcCodec codec;

	private final ObservationRegistry observations;

	public RpcDispatcher(RpcServiceRegistry registry, JsonRpcCodec codec, ObservationRegistry observations) {
		this.registry = registry;
		this.codec = codec;
		this.observations = observations;
	}

	public ByteBuf dispatch(RpcRequest request, ByteBufAllocator allocator) {
		RpcObservationContext context = new RpcObservationContext();
		Observation observation = Observation
			.createNotStarted(null, RpcObservationConvention.SERVER, () -> context, this.observations)
			.start();
		Object result = null;
		String error = null;
		try (Observation.Scope scope = observation.openScope()) {
			RpcMethod method = this.registry.lookup(request.method());
			context.setServiceMethod(method.service(), method.name());
			result = method.invoke(param(request, method));
		}
		// The errors a handler realistically throws (a recursion bug, a missing class) answer the
		// call like exceptions do; the rest (out of memory) are not this call's to handle.
		catch (Exception | StackOverflowError | LinkageError ex) {
			error = errorText(ex);
			observation.error(ex);
			if (logger.isDebugEnabled()) {
				logger.debug("Call " + request.method() + " failed: " + error, ex);
			}
		}
		finally {
			observation.stop();
		}
		return encode(request, result, error, allocator);
	}

	private Object param(RpcRequest request, RpcMethod method) {
		JsonNode params = request.params();
		if (params == null || params.isNull()) {
			throw new InvalidParamsException(RpcErrors.missingParams());
		}
		if (!params.isArray() || params.size() != 1) {
			throw new InvalidParamsException(RpcErrors.paramsNotSingleValueArray());
		}
		try {
			return this.codec.convert(params.get(0), method.parameterType());
		}
		catch (JacksonException ex) {
			throw new InvalidParamsException(RpcErrors.invalidParams(method.fullName(), ex.getOriginalMessage()));
		}
	}

	private ByteBuf encode(RpcRequest request, Object result, String error, ByteBufAllocator allocator) {
		try {
			return this.codec.writeResponse(allocator, request.id(), result, error);
		}
		catch (JacksonException ex) {
			logger.warn("Cannot encode the result of " + request.method() + ": " + ex.getOriginalMessage());
			return this.codec.writeResponse(allocator, request.id(), null,
					"rpc: cannot encode the result of " + request.method());
		}
	}

	private static String errorText(Throwable ex) {
		String message = ex.getMessage();
		return (message != null && !message.isEmpty()) ? message : ex.getClass().getName();
	}

}
