package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.hellorpc.jsonrpc.observation.RpcClientObservationContext;
import io.hellorpc.jsonrpc.observation.RpcObservationContext;
import io.hellorpc.jsonrpc.observation.RpcObservationConvention;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
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

	private final RpcProtocol protocol;

	private final ObservationRegistry observations;

	private final Executor executor;

	/** The executor to shut down on close, when the template made it. */
	private final ExecutorService ownExecutor;

	private final AtomicLong ids = new AtomicLong();

	private volatile boolean closed;

	RpcTemplate(RpcConnector connector, PendingCalls calls, JsonRpcCodec codec, Duration timeout, RpcProtocol protocol,
			ObservationRegistry observations, Executor executor, ExecutorService ownExecutor) {
		this.connector = connector;
		this.calls = calls;
		this.codec = codec;
		this.timeout = timeout;
		this.protocol = protocol;
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

	/**
	 * Sends a JSON-RPC 2.0 notification: the method runs and nothing is answered. Returns once the
	 * message is written (within the template's timeout).
	 * @throws IllegalStateException unless the template speaks {@link RpcProtocol#JSON_RPC_2}
	 * (Go's dialect has no notifications)
	 */
	public void notify(String method, Object request) {
		notify(method, request, this.timeout);
	}

	/** As {@link #notify(String, Object)}, with its own timeout for writing it. */
	public void notify(String method, Object request, Duration timeout) {
		requireJsonRpc2("notifications");
		checkNotOnIoThread();
		long key = this.ids.getAndIncrement();
		PendingCall call = PendingCall.blocking(key, method,
				encode(() -> this.codec.encodeRequest(RpcProtocol.JSON_RPC_2, null, method, request), method), true,
				deadline(timeout), timeout.toMillis(), address());
		send(call);
		call.await(() -> this.calls.remove(call));
	}

	/**
	 * A JSON-RPC 2.0 batch: calls and notifications added to it go out as one message when it is
	 * sent, and each call's future completes with its own reply.
	 * @throws IllegalStateException unless the template speaks {@link RpcProtocol#JSON_RPC_2}
	 */
	public Batch batch() {
		requireJsonRpc2("batches");
		return new Batch();
	}

	/** The dialect this template speaks. */
	public RpcProtocol protocol() {
		return this.protocol;
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

	private static void checkNotOnIoThread() {
		if (ThreadExecutorMap.currentExecutor() != null) {
			throw new IllegalStateException("RpcTemplate.call waits for the reply, and " + Thread.currentThread().getName()
					+ " is an I/O thread that must never wait: use callAsync there");
		}
	}

	private void requireJsonRpc2(String what) {
		if (this.protocol != RpcProtocol.JSON_RPC_2) {
			throw new IllegalStateException("Go's net/rpc dialect has no " + what
					+ ": build the template with protocol JSON_RPC_2 (rpc.client.protocol=json-rpc-2)");
		}
	}

	private <T> T callBlocking(String method, Object request, JavaType resultType, Duration timeout) {
		checkNotOnIoThread();
		Observation observation = observe(method);
		try {
			long id = this.ids.getAndIncrement();
			PendingCall call = PendingCall.blocking(id, method, encode(id, method, request, observation), false, deadline(timeout),
					timeout.toMillis(), address());
			send(call);
			T result = result(method, call.await(() -> this.calls.remove(call)), resultType);
			observation.stop();
			return result;
		}
		catch (RuntimeException ex) {
			failed(observation, ex);
			observation.stop();
			throw ex;
		}
	}

	private <T> CompletableFuture<T> callAsync(String method, Object request, JavaType resultType, Duration timeout) {
		Observation observation = observe(method);
		CompletableFuture<RpcResponse> reply = new CompletableFuture<>();
		try {
			long id = this.ids.getAndIncrement();
			send(PendingCall.async(id, method, encode(id, method, request, observation), false, deadline(timeout),
					timeout.toMillis(), address(), this.executor, reply));
		}
		catch (RpcException ex) {
			reply.completeExceptionally(ex);
		}
		return observed(observation, reply.thenApply((response) -> this.<T>result(method, response, resultType)));
	}

	private static <T> CompletableFuture<T> observed(Observation observation, CompletableFuture<T> result) {
		return result.whenComplete((value, failure) -> {
			if (failure != null) {
				failed(observation, unwrap(failure));
			}
			observation.stop();
		});
	}

	private static void failed(Observation observation, Throwable failure) {
		observation.error(failure);
		if (failure instanceof RpcRemoteException remote && remote.getCode() != null
				&& observation.getContext() instanceof RpcObservationContext context) {
			context.setErrorCode(remote.getCode());
		}
	}

	private void send(PendingCall call) {
		send(call, List.of(call));
	}

	/** Hands the message to the open connection, or to the one being opened once it is. */
	private void send(Outgoing message, List<PendingCall> carried) {
		if (this.closed) {
			throw closedFailure();
		}
		carried.forEach(this.calls::add);
		CompletableFuture<RpcClientConnection> connection = this.connector.connection();
		if (connection.isDone() && !connection.isCompletedExceptionally()) {
			connection.join().send(message);
			return;
		}
		connection.whenComplete((open, failure) -> {
			if (failure != null) {
				Throwable cause = unwrap(failure);
				carried.forEach((call) -> this.calls.fail(call, new RpcConnectionException(cause.getMessage(), cause.getCause())));
			}
			else {
				open.send(message);
			}
		});
	}

	/** The request with the trace context a tracing handler put in the observation's carrier, if any. */
	private byte[] encode(long id, String method, Object request, Observation observation) {
		Map<String, String> traceContext = (observation.getContext() instanceof RpcClientObservationContext context
				&& context.getCarrier() != null) ? context.getCarrier() : Map.of();
		return encode(() -> this.codec.encodeRequest(this.protocol, RpcId.of(id), method, request, traceContext), method);
	}

	private static byte[] encode(Supplier<byte[]> encoding, String method) {
		try {
			return encoding.get();
		}
		catch (JacksonException ex) {
			throw new RpcException("cannot write the request of " + method + ": " + ex.getOriginalMessage(), ex);
		}
	}

	private Observation observe(String method) {
		if (this.observations.isNoop()) {
			return Observation.NOOP;
		}
		RpcClientObservationContext context = new RpcClientObservationContext(new HashMap<>(4));
		context.setProtocol(this.protocol);
		int dot = method.lastIndexOf('.');
		context.setServiceMethod((dot > 0) ? method.substring(0, dot) : method, method.substring(dot + 1));
		return Observation.createNotStarted(null, RpcObservationConvention.CLIENT, () -> context, this.observations)
			.start();
	}

	/** The call's outcome from its reply: the result converted, or a typed failure (package-private for the fuzz target). */
	<T> T result(String method, RpcResponse response, JavaType resultType) {
		if (response.error() != null) {
			throw new RpcRemoteException(method, response.error(), response.code(), this.codec.plain(response.data()));
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

	/**
	 * Calls and notifications to send together as one JSON-RPC 2.0 batch message. Not thread-safe;
	 * send it once.
	 */
	public final class Batch {

		private final List<String> methods = new ArrayList<>();

		private final List<Object> params = new ArrayList<>();

		private final List<CompletableFuture<RpcResponse>> replies = new ArrayList<>();

		private boolean sent;

		private Batch() {
		}

		/** Adds a call; its future completes when the batch's reply comes (after {@link #send()}). */
		public <T> CompletableFuture<T> call(String method, Object request, Class<T> resultType) {
			return add(method, request, RpcTemplate.this.codec.type(resultType));
		}

		public <T> CompletableFuture<T> call(String method, Object request, ParameterizedTypeReference<T> resultType) {
			return add(method, request, RpcTemplate.this.codec.type(resultType.getType()));
		}

		/** Adds a notification: run by the server, never answered. */
		public void notify(String method, Object request) {
			this.methods.add(method);
			this.params.add(request);
			this.replies.add(null);
		}

		/** Sends the batch with the template's timeout for every call in it. */
		public void send() {
			send(RpcTemplate.this.timeout);
		}

		/** Sends the batch; every call in it has this deadline, counted from now. */
		public void send(Duration timeout) {
			if (this.sent || this.methods.isEmpty()) {
				throw new IllegalStateException(this.sent ? "this batch was sent already" : "an empty batch cannot be sent");
			}
			this.sent = true;
			long deadline = deadline(timeout);
			List<RpcId> ids = new ArrayList<>();
			List<PendingCall> carried = new ArrayList<>();
			for (int i = 0; i < this.methods.size(); i++) {
				long id = RpcTemplate.this.ids.getAndIncrement();
				CompletableFuture<RpcResponse> reply = this.replies.get(i);
				ids.add((reply != null) ? RpcId.of(id) : null);
				carried.add(PendingCall.async(id, this.methods.get(i), new byte[0], reply == null, deadline,
						timeout.toMillis(), address(), RpcTemplate.this.executor,
						(reply != null) ? reply : new CompletableFuture<>()));
			}
			try {
				byte[] message = encode(() -> RpcTemplate.this.codec.encodeBatch(ids, this.methods, this.params), "a batch");
				RpcTemplate.this.send(new BatchOutgoing(message, carried), carried);
			}
			catch (RpcException ex) {
				// Not sent (unwritable params, or the template is closed): every call of it fails so.
				this.replies.stream().filter(Objects::nonNull).forEach((reply) -> reply.completeExceptionally(ex));
				throw ex;
			}
		}

		private <T> CompletableFuture<T> add(String method, Object request, JavaType resultType) {
			CompletableFuture<RpcResponse> reply = new CompletableFuture<>();
			this.methods.add(method);
			this.params.add(request);
			this.replies.add(reply);
			return observed(observe(method), reply.thenApply((response) -> RpcTemplate.this.<T>result(method, response, resultType)));
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
