package io.hellorpc.jsonrpc.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.protocol.RpcRequest;
import io.hellorpc.jsonrpc.server.advice.RpcExceptionHandlers;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.netty.channel.Channel;
import tools.jackson.databind.JsonNode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One call, from request to outcome, on the calling thread, as a line of stages: look the method
 * up, bind its param, invoke it, turn a failure into its error, observe it all. Whatever goes
 * wrong becomes the outcome: the future always completes, and never with an exception.
 */
final class RpcDispatcher {

	private static final Log logger = LogFactory.getLog(RpcDispatcher.class);

	private final RpcServiceRegistry registry;

	private final ParamBinding binding;

	private final MethodInvocation invocation = new MethodInvocation();

	private final CallFailures failures;

	private final ObservationRegistry observations;

	private final RpcServerActivity activity;

	private final CallInterceptors interceptors;

	/** {@code rpc.discover}, or {@code null} when discovery is off (it is then an unknown method). */
	private final RpcMethod discover;

	/** Whether no interceptor {@linkplain RpcCallInterceptor#mayBlock() may block}, so that a non-blocking method's call may run in place. */
	private final boolean interceptorsNonBlocking;

	RpcDispatcher(RpcServiceRegistry registry, JsonRpcCodec codec, ObservationRegistry observations,
			RpcServerActivity activity, RpcParamValidator validator) {
		this(registry, codec, observations, activity, validator, RpcExceptionHandlers.NONE, List.of());
	}

	RpcDispatcher(RpcServiceRegistry registry, JsonRpcCodec codec, ObservationRegistry observations,
			RpcServerActivity activity, RpcParamValidator validator, RpcExceptionHandlers handlers,
			List<RpcCallInterceptor> interceptors) {
		this(registry, codec, observations, activity, validator, handlers, interceptors, null);
	}

	/** @param discovery the OpenRPC document {@code rpc.discover} answers, or {@code null} for no {@code rpc.discover} */
	RpcDispatcher(RpcServiceRegistry registry, JsonRpcCodec codec, ObservationRegistry observations,
			RpcServerActivity activity, RpcParamValidator validator, RpcExceptionHandlers handlers,
			List<RpcCallInterceptor> interceptors, JsonNode discovery) {
		this.interceptors = new CallInterceptors(interceptors);
		this.interceptorsNonBlocking = interceptors.stream().noneMatch(RpcCallInterceptor::mayBlock);
		this.discover = (discovery != null) ? DiscoverMethod.of(discovery) : null;
		this.registry = registry;
		this.binding = new ParamBinding(codec, validator);
		this.failures = new CallFailures(validator, handlers);
		this.observations = observations;
		this.activity = activity;
	}

	CompletableFuture<RpcOutcome> call(RpcRequest request) {
		return call(request, null);
	}

	/** @param connection the connection the call came on, for the {@link RpcCallInterceptor}s */
	CompletableFuture<RpcOutcome> call(RpcRequest request, Channel connection) {
		if (request.notification()) {
			this.activity.notificationRun();
		}
		if (request.invalid() != null) {
			return CompletableFuture.completedFuture(RpcOutcome.failure(request.invalid()));
		}
		RpcMethod method;
		try {
			method = lookup(request);
		}
		catch (UnknownMethodException ex) {
			CallObservation observation = CallObservation.start(this.observations, request, null);
			return stopped(observation, RpcOutcome.failure(RpcError.of(RpcError.METHOD_NOT_FOUND, ex.getMessage())), ex);
		}
		CallObservation observation = CallObservation.start(this.observations, request, method);
		try (Observation.Scope scope = observation.openScope()) {
			return this.interceptors.invoke(new RpcServerCall(request, method, connection),
					() -> this.invocation.invoke(method, this.binding.bind(request, method))).handle((result, failure) -> {
				RpcOutcome outcome = (failure == null) ? RpcOutcome.success(result) : this.failures.outcome(method, failure);
				observation.stop(outcome, failure);
				return outcome;
			});
		}
		catch (InvalidParamsException ex) {
			return stopped(observation, RpcOutcome.failure(RpcError.of(RpcError.INVALID_PARAMS, ex.getMessage())), ex);
		}
		catch (Throwable ex) {
			// Neither the method's doing nor the peer's: a bug of ours, counted, logged, answered plainly.
			this.activity.internalError();
			logger.warn("Internal error in call " + request.method(), ex);
			return stopped(observation, RpcOutcome.failure(RpcError.of(RpcError.INTERNAL_ERROR, RpcErrors.internalError())), ex);
		}
	}

	/**
	 * Whether the call may run on the thread that read it (the connection's event loop): its method
	 * is {@link RpcNonBlocking}, and no interceptor may block.
	 */
	boolean runsInPlace(RpcRequest request) {
		if (!this.interceptorsNonBlocking || request.invalid() != null) {
			return false;
		}
		RpcMethod method = this.registry.find(request.method(), request.protocol());
		return method != null && method.nonBlocking();
	}

	private RpcMethod lookup(RpcRequest request) {
		if (this.discover != null && request.protocol() == RpcProtocol.JSON_RPC_2
				&& DiscoverMethod.NAME.equals(request.method())) {
			return this.discover;
		}
		return this.registry.lookup(request.method(), request.protocol());
	}

	private static CompletableFuture<RpcOutcome> stopped(CallObservation observation, RpcOutcome outcome,
			Throwable failure) {
		observation.stop(outcome, failure);
		return CompletableFuture.completedFuture(outcome);
	}

}
