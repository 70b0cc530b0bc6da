package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

import io.hellorpc.jsonrpc.observation.RpcObservationContext;
import io.hellorpc.jsonrpc.observation.RpcObservationConvention;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Calls JSON-RPC methods ({@code Service.Method}) on one server, over one shared connection, as
 * Go's {@code rpc.Client} does, but every call has a deadline. Failures are unchecked and typed:
 * {@link RpcRemoteException} (the server's error text), {@link RpcTimeoutException},
 * {@link RpcConnectionException}. Build one with {@link RpcTemplateBuilder}; thread-safe.
 */
public class RpcTemplate implements AutoCloseable {

	private final RpcConnector connector;

	private final JsonRpcCodec codec;

	private final Duration timeout;

	private final ObservationRegistry observations;

	private final AtomicLong ids = new AtomicLong();

	RpcTemplate(RpcConnector connector, JsonRpcCodec codec, Duration timeout, ObservationRegistry observations) {
		this.connector = connector;
		this.codec = codec;
		this.timeout = timeout;
		this.observations = observations;
	}

	/** Calls {@code method} with {@code request} and waits, at most the template's timeout, for the result. */
	public <T> T call(String method, Object request, Class<T> resultType) {
		return call(method, request, resultType, this.timeout);
	}

	/** As {@link #call(String, Object, Class)}, with this call's own timeout. */
	public <T> T call(String method, Object request, Class<T> resultType, Duration timeout) {
		return await(callAsync(method, request, resultType, timeout));
	}

	/** Calls {@code method} for a generic result type, such as {@code List<Response>}. */
	public <T> T call(String method, Object request, ParameterizedTypeReference<T> resultType) {
		return call(method, request, resultType, this.timeout);
	}

	public <T> T call(String method, Object request, ParameterizedTypeReference<T> resultType, Duration timeout) {
		return await(callAsync(method, request, resultType, timeout));
	}

	/** Calls without waiting; the future fails with one of the {@link RpcException}s. */
	public <T> CompletableFuture<T> callAsync(String method, Object request, Class<T> resultType) {
		return callAsync(method, request, resultType, this.timeout);
	}

	public <T> CompletableFuture<T> callAsync(String method, Object request, Class<T> resultType, Duration timeout) {
		return send(method, request, this.codec.type(resultType), timeout);
	}

	public <T> CompletableFuture<T> callAsync(String method, Object request, ParameterizedTypeReference<T> resultType) {
		return callAsync(method, request, resultType, this.timeout);
	}

	public <T> CompletableFuture<T> callAsync(String method, Object request, ParameterizedTypeReference<T> resultType,
			Duration timeout) {
		return send(method, request, this.codec.type(resultType.getType()), timeout);
	}

	/** {@code host:port} of the server this template calls. */
	public String address() {
		return this.connector.address();
	}

	/** Closes the connection and the template's event loop; calls still waiting fail. */
	@Override
	public void close() {
		this.connector.close();
	}

	private <T> CompletableFuture<T> send(String method, Object request, JavaType resultType, Duration timeout) {
		RpcObservationContext context = new RpcObservationContext();
		int dot = method.lastIndexOf('.');
		context.setServiceMethod((dot > 0) ? method.substring(0, dot) : method, method.substring(dot + 1));
		Observation observation = Observation
			.createNotStarted(null, RpcObservationConvention.CLIENT, () -> context, this.observations)
			.start();
		long id = this.ids.getAndIncrement();
		CompletableFuture<T> result = this.connector.connection()
			.thenCompose((connection) -> connection.send(id, method, request, timeout))
			.thenApply((response) -> this.<T>result(method, response, resultType));
		return result.whenComplete((value, failure) -> {
			if (failure != null) {
				observation.error(unwrap(failure));
			}
			observation.stop();
		});
	}

	private <T> T result(String method, RpcResponse response, JavaType resultType) {
		if (response.error() != null) {
			throw new RpcRemoteException(method, response.error());
		}
		if (response.result() == null) {
			return null;
		}
		try {
			return this.codec.convert(response.result(), resultType);
		}
		catch (JacksonException ex) {
			throw new RpcException("cannot read the result of " + method + " as " + resultType + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

	private static <T> T await(CompletableFuture<T> future) {
		try {
			return future.join();
		}
		catch (CompletionException ex) {
			Throwable cause = unwrap(ex);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new RpcException(cause.getMessage(), cause);
		}
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
