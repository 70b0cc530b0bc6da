package io.hellorpc.jsonrpc.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import io.hellorpc.jsonrpc.observation.RpcServerObservationContext;
import io.hellorpc.jsonrpc.observation.RpcObservationConvention;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.ParamsException;
import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.protocol.RpcRequest;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;

/**
 * Runs one call on the calling thread, from request to outcome (and encoded reply): looks the
 * method up, converts the param, invokes, observes. The dialect is the codec's business: a call
 * here is a call, answered with a result or an error. Whatever goes wrong becomes the error:
 * the handler's own exception message, Go's text for a protocol problem, and never a Java class
 * name or a stack detail.
 */
public final class RpcDispatcher {

	private static final Log logger = LogFactory.getLog(RpcDispatcher.class);

	private final RpcServiceRegistry registry;

	private final JsonRpcCodec codec;

	private final ObservationRegistry observations;

	private final RpcServerActivity activity;

	private final RpcParamValidator validator;

	public RpcDispatcher(RpcServiceRegistry registry, JsonRpcCodec codec, ObservationRegistry observations,
			RpcServerActivity activity, RpcParamValidator validator) {
		this.validator = validator;
		this.registry = registry;
		this.codec = codec;
		this.observations = observations;
		this.activity = activity;
	}

	/** Runs one call and encodes its reply in the call's dialect; the reply is {@code null} for a notification. */
	public CompletableFuture<ByteBuf> dispatch(RpcRequest request, ByteBufAllocator allocator) {
		CompletableFuture<RpcOutcome> outcome = call(request);
		if (outcome.isDone()) {
			// The usual case, a method that returned its result: no dependent stage to allocate.
			try {
				return CompletableFuture.completedFuture(request.notification() ? null : encode(request, outcome.join(), allocator));
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}
		return outcome.thenApply((done) -> request.notification() ? null : encode(request, done, allocator));
	}

	/**
	 * Runs one call on this thread, whatever its dialect: a result or an error. The future is
	 * already complete unless the method returned a {@link CompletionStage}, in which case it
	 * completes with it, no thread held in between.
	 */
	public CompletableFuture<RpcOutcome> call(RpcRequest request) {
		if (request.invalid() != null) {
			return CompletableFuture.completedFuture(RpcOutcome.failure(request.invalid()));
		}
		RpcServerObservationContext context = new RpcServerObservationContext(request.traceContext());
		context.setProtocol(request.protocol());
		RpcMethod method = null;
		UnknownMethodException unknown = null;
		try {
			method = this.registry.lookup(request.method());
			// Known before the observation starts, so that the active-calls timer has the real names.
			context.setServiceMethod(method.service(), method.name());
		}
		catch (UnknownMethodException ex) {
			unknown = ex;
		}
		Observation observation = Observation
			.createNotStarted(null, RpcObservationConvention.SERVER, () -> context, this.observations)
			.start();
		CompletableFuture<RpcOutcome> outcome;
		try (Observation.Scope scope = observation.openScope()) {
			if (unknown != null) {
				throw unknown;
			}
			outcome = invoke(request, method, param(request, method), observation);
		}
		catch (UnknownMethodException ex) {
			outcome = failed(observation, ex, RpcError.of(RpcError.METHOD_NOT_FOUND, ex.getMessage()));
		}
		catch (InvalidParamsException ex) {
			outcome = failed(observation, ex, RpcError.of(RpcError.INVALID_PARAMS, ex.getMessage()));
		}
		catch (RuntimeException ex) {
			// Not the handler's and not the peer's: a bug of ours. Counted, logged, answered plainly.
			this.activity.internalError();
			logger.warn("Internal error in call " + request.method(), ex);
			outcome = failed(observation, ex, RpcError.of(RpcError.INTERNAL_ERROR, "rpc: internal error"));
		}
		finally {
			if (request.notification()) {
				this.activity.notificationRun();
			}
		}
		if (outcome.isDone()) {
			try {
				finish(context, observation, outcome.join());
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
			return outcome;
		}
		return outcome.thenApply((done) -> {
			finish(context, observation, done);
			return done;
		});
	}

	private static void finish(RpcServerObservationContext context, Observation observation, RpcOutcome outcome) {
		if (outcome.error() != null) {
			context.setErrorCode(outcome.error().code());
		}
		observation.stop();
	}

	private CompletableFuture<RpcOutcome> invoke(RpcRequest request, RpcMethod method, Object param,
			Observation observation) {
		if (method.validated()) {
			String problems = this.validator.check(param);
			if (problems != null) {
				throw new InvalidParamsException(RpcErrors.invalidParams(problems));
			}
		}
		Object result;
		try {
			result = method.invoke(param);
		}
		// The errors a handler realistically throws (a recursion bug, a missing class) answer the
		// call like exceptions do; the rest (out of memory) are not this call's to handle.
		catch (Exception | StackOverflowError | LinkageError ex) {
			return CompletableFuture.completedFuture(handlerFailure(request, method, ex, observation));
		}
		if (result instanceof CompletionStage<?> stage) {
			return stage.toCompletableFuture().handle((value, failure) -> (failure == null) ? RpcOutcome.success(value)
					: handlerFailure(request, method, unwrap(failure), observation));
		}
		return CompletableFuture.completedFuture(RpcOutcome.success(result));
	}

	private RpcOutcome handlerFailure(RpcRequest request, RpcMethod method, Throwable ex, Observation observation) {
		observation.error(ex);
		String invalid = this.validator.describe(ex);
		RpcOutcome outcome = (invalid != null)
				? RpcOutcome.failure(RpcError.of(RpcError.INVALID_PARAMS, RpcErrors.invalidParams(invalid)))
				: RpcOutcome.failure(handlerError(method, ex));
		if (logger.isDebugEnabled()) {
			logger.debug("Call " + request.method() + " failed: " + outcome.error().message(), ex);
		}
		return outcome;
	}

	private static CompletableFuture<RpcOutcome> failed(Observation observation, Exception ex, RpcError error) {
		observation.error(ex);
		return CompletableFuture.completedFuture(RpcOutcome.failure(error));
	}

	/** The method's own failure, out of the wrapper a future puts around it. */
	private static Throwable unwrap(Throwable failure) {
		return ((failure instanceof CompletionException || failure instanceof ExecutionException)
				&& failure.getCause() != null) ? failure.getCause() : failure;
	}

	private Object param(RpcRequest request, RpcMethod method) {
		try {
			return this.codec.readParam(request.params(), method.parameterType(),
					request.protocol() == RpcProtocol.JSON_RPC_2);
		}
		catch (ParamsException ex) {
			throw new InvalidParamsException(ex.getMessage());
		}
	}

	/** Encodes the reply; a result that cannot be written is answered as an internal error. */
	public ByteBuf encode(RpcRequest request, RpcOutcome outcome, ByteBufAllocator allocator) {
		try {
			return this.codec.writeResponse(allocator, request, outcome);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			logger.warn("Cannot encode the result of " + request.method() + ": " + ex.getMessage());
			return this.codec.writeResponse(allocator, request, RpcOutcome.failure(
					RpcError.of(RpcError.INTERNAL_ERROR, "rpc: cannot encode the result of " + request.method())));
		}
	}

	/** The handler's error: its own code and data, or {@link RpcError#APPLICATION_ERROR} with its message. */
	private static RpcError handlerError(RpcMethod method, Throwable ex) {
		if (ex instanceof RpcApplicationException application) {
			return new RpcError(application.getCode(), handlerErrorText(method, ex), application.getData());
		}
		return RpcError.of(RpcError.APPLICATION_ERROR, handlerErrorText(method, ex));
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
