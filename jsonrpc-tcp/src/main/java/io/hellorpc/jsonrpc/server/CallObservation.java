package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.observation.RpcObservationConvention;
import io.hellorpc.jsonrpc.observation.RpcServerObservationContext;
import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.protocol.RpcRequest;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/** One call's Micrometer observation: started with the call's names, stopped with its error code. */
final class CallObservation {

	private final RpcServerObservationContext context;

	private final Observation observation;

	private CallObservation(RpcServerObservationContext context, Observation observation) {
		this.context = context;
		this.observation = observation;
	}

	/** @param method the method called, {@code null} when there is none by the call's name */
	static CallObservation start(ObservationRegistry registry, RpcRequest request, RpcMethod method) {
		RpcServerObservationContext context = new RpcServerObservationContext(request.traceContext());
		context.setProtocol(request.protocol());
		if (method != null) {
			// Known before the observation starts, so that the active-calls timer has the real names.
			context.setServiceMethod(method.service(), method.name());
		}
		Observation observation = Observation
			.createNotStarted(null, RpcObservationConvention.SERVER, () -> context, registry)
			.start();
		return new CallObservation(context, observation);
	}

	Observation.Scope openScope() {
		return this.observation.openScope();
	}

	void stop(RpcOutcome outcome, Throwable failure) {
		if (failure != null) {
			this.observation.error(failure);
		}
		if (outcome.error() != null) {
			this.context.setErrorCode(outcome.error().code());
		}
		this.observation.stop();
	}

}
