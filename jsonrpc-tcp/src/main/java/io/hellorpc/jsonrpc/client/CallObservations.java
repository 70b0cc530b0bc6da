package io.hellorpc.jsonrpc.client;

import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.hellorpc.jsonrpc.observation.RpcClientObservationContext;
import io.hellorpc.jsonrpc.observation.RpcObservationContext;
import io.hellorpc.jsonrpc.observation.RpcObservationConvention;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/** Observes a template's calls ({@code rpc.client.requests}): nothing at all with a no-op registry. */
final class CallObservations {

	private final ObservationRegistry registry;

	private final RpcProtocol protocol;

	CallObservations(ObservationRegistry registry, RpcProtocol protocol) {
		this.registry = registry;
		this.protocol = protocol;
	}

	/** A started observation of a call of {@code method}. */
	Observation start(String method) {
		if (this.registry.isNoop()) {
			return Observation.NOOP;
		}
		RpcClientObservationContext context = new RpcClientObservationContext(new HashMap<>(4));
		context.setProtocol(this.protocol);
		int dot = method.lastIndexOf('.');
		context.setServiceMethod((dot > 0) ? method.substring(0, dot) : method, method.substring(dot + 1));
		return Observation.createNotStarted(null, RpcObservationConvention.CLIENT, () -> context, this.registry).start();
	}

	/** The result, the observation stopped once it completes (with its failure, if it fails). */
	static <T> CompletableFuture<T> stopWhenDone(Observation observation, CompletableFuture<T> result) {
		return result.whenComplete((value, failure) -> {
			if (failure != null) {
				failed(observation, unwrap(failure));
			}
			observation.stop();
		});
	}

	static void failed(Observation observation, Throwable failure) {
		observation.error(failure);
		if (failure instanceof RpcRemoteException remote && remote.getCode() != null
				&& observation.getContext() instanceof RpcObservationContext context) {
			context.setErrorCode(remote.getCode());
		}
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
