package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.observation.RpcObservationContext;
import io.hellorpc.jsonrpc.observation.RpcObservationConvention;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.ParamsException;
import io.hellorpc.jsonrpc.protocol.RpcRequest;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;

/**
 * Runs one call on the calling thread, from request to encoded reply: looks the method up,
 * converts the param, invokes, observes, encodes. Whatever goes wrong becomes the reply's error:
 * the handler's own exception message, Go's text for a protocol problem, and never a Java class
 * name or a stack detail.
 */
public final class RpcDispatcher {

	private static final Log logger = LogFactory.getLog(RpcDispatcher.class);

	private final RpcServiceRegistry registry;

	private final JsonRpcCodec codec;

	private final ObservationRegistry observations;

	private final RpcServerActivity activity;

	public RpcDispatcher(RpcServiceRegistry registry, JsonRpcCodec codec, ObservationRegistry observations,
			RpcServerActivity activity) {
		this.registry = registry;
		this.codec = codec;
		this.observations = observations;
		this.activity = activity;
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
			Object param = param(request, method);
			try {
				result = method.invoke(param);
			}
			// The errors a handler realistically throws (a recursion bug, a missing class) answer the
			// call like exceptions do; the rest (out of memory) are not this call's to handle.
			catch (Exception | StackOverflowError | LinkageError ex) {
				error = handlerErrorText(method, ex);
				observation.error(ex);
				if (logger.isDebugEnabled()) {
					logger.debug("Call " + request.method() + " failed: " + error, ex);
				}
			}
		}
		catch (UnknownMethodException | InvalidParamsException ex) {
			error = ex.getMessage();
			observation.error(ex);
		}
		catch (RuntimeException ex) {
			// Not the handler's and not the peer's: a bug of ours. Counted, logged, answered plainly.
			this.activity.internalError();
			logger.warn("Internal error in call " + request.method(), ex);
			error = "rpc: internal error";
			observation.error(ex);
		}
		finally {
			observation.stop();
		}
		return encode(request, result, error, allocator);
	}

	private Object param(RpcRequest request, RpcMethod method) {
		try {
			return this.codec.readParam(request.params(), method.parameterType());
		}
		catch (ParamsException ex) {
			throw new InvalidParamsException(ex.getMessage());
		}
	}

	private ByteBuf encode(RpcRequest request, Object result, String error, ByteBufAllocator allocator) {
		try {
			return this.codec.writeResponse(allocator, request.id(), result, error);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			logger.warn("Cannot encode the result of " + request.method() + ": " + ex.getMessage());
			return this.codec.writeResponse(allocator, request.id(), null,
					"rpc: cannot encode the result of " + request.method());
		}
	}

	/**
	 * The handler's exception message, which is its answer to the caller. The JVM's own failures
	 * (a null dereference, a bad cast, an error) describe our code, not the call: they are named
	 * only in the log.
	 */
	private static String handlerErrorText(RpcMethod method, Throwable ex) {
		String message = ex.getMessage();
		if (message == null || message.isEmpty() || ex instanceof NullPointerException
				|| ex instanceof ClassCastException || ex instanceof Error) {
			logger.warn("Call " + method.fullName() + " failed: " + ex);
			logger.debug("Call failure", ex);
			return "rpc: " + method.fullName() + " failed with an internal error";
		}
		return message;
	}

}
