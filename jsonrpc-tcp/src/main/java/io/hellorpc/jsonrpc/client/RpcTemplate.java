package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import io.hellorpc.jsonrpc.observation.RpcObservationContext;
import io.hellorpc.jsonrpc.observation.RpcObservationConvention;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.netty.util.internal.ThreadExecutorMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Calls JSON-RPC methods ({@code Service.Method}) on one server, over one shared connection, as
 * Go's {@code rpc.Client} does, but every call has a deadline, counted from the moment the call is
 * made: connecting, waiting for the connection, writing and the reply all count against it.
 * Failures are unchecked and typed: {@link RpcRemoteException} (the server's error text),
 * {@link RpcTimeoutException}, {@link RpcConnectionException}.
 * <p>
 * Futures from {@code callAsync} complete on the template's executor (virtual threads on Java
 * 21+, else a pool of daemon threads, unless the builder was given one), never on the I/O thread,
 * so a callback may make blocking calls of its own. A blocking call made on an I/O thread fails at
 * once instead of hanging. Build one with {@link RpcTemplateBuilder}; thread-safe.
 */
public class RpcTemplate implements AutoCloseable {

	private final RpcConnector connector;

	private final PendingCalls calls;

	private final JsonRpcCodec codec;

	private final Duration timeout;

	private final ObservationRegistry observations;

	private final Executor executor;

	/** The executor to shut down on close, when the template made it. */
	private final ExecutorService ownExecutor;

	private final AtomicLong ids = new AtomicLong();

	private volatile boolean closed;

	RpcTemplate(RpcConnector connector, PendingCalls calls, JsonRpcCodec codec, Duration timeout,
			ObservationRegistry observations, Executor executor, ExecutorService ownExecutor) {
		this.connector = connector;
		this.calls = calls;
		this.codec = codec;
		this.timeout = timeout;
		this.observations = observations;
		this.executor = executor;
		this.ownExecutor = ownExecutor;
	}

	/** Calls {@code method} with {@code request} and waits, at most the template's timeout, for the result. */
	public <T> T call(String method, Object request, Class<T> resultType) {
		return call(method, request, resultType, this.timeout);
	}

	/** As {@link #call(String, Object, Class)}, with this call's own timeout. */
	public <T> T call(String method, Object request, Class<T> resultType, Duration timeout) {
		return callBlocking(method, request, this.codec.type(resultType), timeout);
	}

	/** Calls {@code method} for a generic result type, such as {@code List<Response>}. */
	public <T> T call(String method, Object request, ParameterizedTypeReference<T> resultType) {
		return call(method, request, resultType, this.timeout);
	}

	public <T> T call(String method, Object request, ParameterizedTypeReference<T> resultType, Duration timeout) {
		return callBlocking(method, request, this.codec.type(resultType.getType()), timeout);
	}

	/** Calls without waiting; the future fails with one of the {@link RpcException}s. */
	public <T> CompletableFuture<T> callAsync(String method, Object request, Class<T> resultType) {
		return callAsync(method, request, resultType, this.timeout);
	}

	public <T> CompletableFuture<T> callAsync(String method, Object request, Class<T> resultType, Duration timeout) {
		return callAsync(method, request, this.codec.type(resultType), timeout);
	}

	public <T> CompletableFuture<T> callAsync(String method, Object request, ParameterizedTypeReference<T> resultType) {
		return callAsync(method, request, resultType, this.timeout);
	}

	public <T> CompletableFuture<T> callAsync(String method, Object request, ParameterizedTypeReference<T> resultType,
			Duration timeout) {
		return callAsync(method, request, this.codec.type(resultType.getType()), timeout);
	}

	/** {@code host:port} of the server this template calls. */
	public String address() {
		return this.connector.address();
	}

	/** Calls made and not yet settled (for tests: a settled call leaves nothing behind). */
	int pendingCalls() {
		return this.calls.size();
	}

	/** Closes the connection and the template's event loop; calls still waiting fail. */
	@Override
	public void close() {
		this.closed = true;
		this.calls.failAll((call) -> true, (call) -> closedFailure());
		this.connector.close();
		if (this.ownExecutor != null) {
			this.ownExecutor.shutdown();
		}
	}

	private <T> T callBlocking(String method, Object request, JavaType resultType, Duration timeout) {
		if (ThreadExecutorMap.currentExecutor() != null) {
			throw new IllegalStateException("RpcTemplate.call waits for the reply, and " + Thread.currentThread().getName()
					+ " is an I/O thread that must never wait: use callAsync there");
		}
		Observation observation = observe(method);
		try {
			long id = this.ids.getAndIncrement();
			PendingCall call = PendingCall.blocking(id, method, encode(id, method, request), deadline(timeout),
					timeout.toMillis(), address());
			send(call);
			T result = result(method, call.await(), resultType);
			observation.stop();
			return result;
		}
		catch (RuntimeException ex) {
			observation.error(ex);
			observation.stop();
			throw ex;
		}
	}

	private <T> CompletableFuture<T> callAsync(String method, Object request, JavaType resultType, Duration timeout) {
		Observation observation = observe(method);
		CompletableFuture<RpcResponse> reply = new CompletableFuture<>();
		try {
			long id = this.ids.getAndIncrement();
			send(PendingCall.async(id, method, encode(id, method, request), deadline(timeout), timeout.toMillis(),
					address(), this.executor, reply));
		}
		catch (RpcException ex) {
			reply.completeExceptionally(ex);
		}
		return reply.thenApply((response) -> this.<T>result(method, response, resultType))
			.whenComplete((value, failure) -> {
				if (failure != null) {
					observation.error(unwrap(failure));
				}
				observation.stop();
			});
	}

	/** Hands the call to the open connection, or to the one being opened once it is. */
	private void send(PendingCall call) {
		if (this.closed) {
			throw closedFailure();
		}
		this.calls.add(call);
		CompletableFuture<RpcClientConnection> connection = this.connector.connection();
		if (connection.isDone() && !connection.isCompletedExceptionally()) {
			connection.join().send(call);
			return;
		}
		connection.whenComplete((open, failure) -> {
			if (failure != null) {
				Throwable cause = unwrap(failure);
				this.calls.fail(call, new RpcConnectionException(cause.getMessage(), cause.getCause()));
			}
			else {
				open.send(call);
			}
		});
	}

	private byte[] encode(long id, String method, Object request) {
		try {
			return this.codec.encodeRequest(RpcId.of(id), method, request);
		}
		catch (JacksonException ex) {
			throw new RpcException("cannot write the request of " + method + ": " + ex.getOriginalMessage(), ex);
		}
	}

	private Observation observe(String method) {
		if (this.observations.isNoop()) {
			return Observation.NOOP;
		}
		RpcObservationContext context = new RpcObservationContext();
		int dot = method.lastIndexOf('.');
		context.setServiceMethod((dot > 0) ? method.substring(0, dot) : method, method.substring(dot + 1));
		return Observation.createNotStarted(null, RpcObservationConvention.CLIENT, () -> context, this.observations)
			.start();
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

	private RpcConnectionException closedFailure() {
		return new RpcConnectionException("RpcTemplate for " + address() + " is closed");
	}

	private static long deadline(Duration timeout) {
		return System.nanoTime() + timeout.toNanos();
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

}
