package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.micrometer.observation.Observation;
import io.netty.util.internal.ThreadExecutorMap;
import tools.jackson.databind.JavaType;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Calls JSON-RPC methods ({@code Service.Method}) on a server, over one shared connection, as
 * Go's {@code rpc.Client} does, but every call has a deadline, counted from the moment the call is
 * made: connecting, waiting for the connection, writing and the reply all count against it.
 * <p>
 * When the servers' name resolves to several addresses (replicas), it keeps a connection to each
 * and balances its calls over them ({@link RpcBalancer}); the name is resolved again every
 * {@code resolveInterval}. A call never written fails not because one server is down: it goes to
 * another; a server whose connection fails is reconnected in the background, with backoff. A
 * call written and then lost with its connection is sent again only if its method is idempotent
 * (within its deadline, {@code maxAttempts} and the retry budget), or if the server said it never
 * ran it. With no server reachable, a call fails at its deadline, naming each address and why.
 * Failures are unchecked and typed: {@link RpcRemoteException} (the server's error text),
 * {@link RpcTimeoutException}, {@link RpcConnectionException}.
 * <p>
 * Its connection runs on shared I/O threads ({@link RpcClientResources}). Futures from
 * {@code callAsync} complete on the template's executor (virtual threads on Java 21+, else a pool
 * of daemon threads, unless the builder was given one), never on an I/O thread, so a callback may
 * make blocking calls of its own. A blocking call made on an I/O thread fails at once instead of
 * hanging. At most {@code maxPendingCalls} calls wait for replies; past that a call fails at once.
 * Build one with {@link RpcTemplateBuilder}; thread-safe.
 */
public class RpcTemplate implements RpcOperations, AutoCloseable {

	private final CallRouter router;

	private final PendingCalls calls;

	private final JsonRpcCodec codec;

	private final RequestEncoder requests;

	private final ReplyReader replies;

	private final CallObservations observations;

	private final Duration timeout;

	private final RpcProtocol protocol;

	private final Executor executor;

	/** The executor to shut down on close, when the template made it. */
	private final ExecutorService ownExecutor;

	/** The methods whose calls may be sent again after their connection died: the builder's, and a proxy's. */
	private final Set<String> idempotentMethods;

	RpcTemplate(CallRouter router, JsonRpcCodec codec, CallObservations observations, Duration timeout,
			RpcProtocol protocol, Executor executor, ExecutorService ownExecutor, Set<String> idempotentMethods) {
		this.router = router;
		this.calls = router.calls();
		this.idempotentMethods = idempotentMethods;
		this.codec = codec;
		this.requests = new RequestEncoder(codec, protocol);
		this.replies = new ReplyReader(codec);
		this.observations = observations;
		this.timeout = timeout;
		this.protocol = protocol;
		this.executor = executor;
		this.ownExecutor = ownExecutor;
	}

	@Override
	public <T> T call(String method, Object params, Class<T> resultType) {
		return call(method, params, resultType, this.timeout);
	}

	@Override
	public <T> T call(String method, Object params, Class<T> resultType, Duration timeout) {
		return callBlocking(method, params, this.codec.type(resultType), timeout);
	}

	@Override
	public <T> T call(String method, Object params, ParameterizedTypeReference<T> resultType) {
		return call(method, params, resultType, this.timeout);
	}

	@Override
	public <T> T call(String method, Object params, ParameterizedTypeReference<T> resultType, Duration timeout) {
		return callBlocking(method, params, this.codec.type(resultType.getType()), timeout);
	}

	@Override
	public <T> CompletableFuture<T> callAsync(String method, Object params, Class<T> resultType) {
		return callAsync(method, params, resultType, this.timeout);
	}

	@Override
	public <T> CompletableFuture<T> callAsync(String method, Object params, Class<T> resultType, Duration timeout) {
		return callAsync(method, params, this.codec.type(resultType), timeout);
	}

	@Override
	public <T> CompletableFuture<T> callAsync(String method, Object params, ParameterizedTypeReference<T> resultType) {
		return callAsync(method, params, resultType, this.timeout);
	}

	@Override
	public <T> CompletableFuture<T> callAsync(String method, Object params, ParameterizedTypeReference<T> resultType,
			Duration timeout) {
		return callAsync(method, params, this.codec.type(resultType.getType()), timeout);
	}

	@Override
	public void sendNotification(String method, Object params) {
		sendNotification(method, params, this.timeout);
	}

	@Override
	public void sendNotification(String method, Object params, Duration timeout) {
		requireJsonRpc2("notifications");
		checkNotOnIoThread();
		PendingCall call = PendingCall.blocking(nextId(), method, this.requests.notification(method, params), true,
				false, deadline(timeout), timeout.toMillis(), address());
		dispatch(call, List.of(call));
		call.await(this.calls);
	}

	@Override
	public RpcBatch batch() {
		requireJsonRpc2("batches");
		return new TemplateBatch(this);
	}

	@Override
	public RpcProtocol protocol() {
		return this.protocol;
	}

	@Override
	public String address() {
		return this.router.name();
	}

	/**
	 * This template, its calls of {@code methods} also deemed idempotent (an {@code @RpcExchange}
	 * client's, marked so): same connections and pending calls; closing it closes this one.
	 */
	RpcTemplate withIdempotentMethods(Set<String> methods) {
		if (this.idempotentMethods.containsAll(methods)) {
			return this;
		}
		Set<String> all = new HashSet<>(this.idempotentMethods);
		all.addAll(methods);
		return new RpcTemplate(this.router, this.codec, this.observations, this.timeout, this.protocol, this.executor,
				this.ownExecutor, Set.copyOf(all));
	}

	private boolean idempotent(String method) {
		return !this.idempotentMethods.isEmpty() && this.idempotentMethods.contains(method);
	}

	/** Calls made and not yet settled (for tests: a settled call leaves nothing behind). */
	int pendingCalls() {
		return this.calls.size();
	}

	/**
	 * Fails every call still waiting, and every call made from now on, and closes the connection
	 * (open or still opening). The I/O threads are not stopped: they are shared.
	 */
	@Override
	public void close() {
		this.calls.close(this.router::closedFailure);
		this.router.close();
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

	private <T> T callBlocking(String method, Object params, JavaType resultType, Duration timeout) {
		checkNotOnIoThread();
		Observation observation = this.observations.start(method);
		try {
			long id = nextId();
			PendingCall call = PendingCall.blocking(id, method, this.requests.call(id, method, params, observation), false,
					idempotent(method), deadline(timeout), timeout.toMillis(), address());
			dispatch(call, List.of(call));
			T result = this.replies.result(method, call.await(this.calls), resultType);
			observation.stop();
			return result;
		}
		catch (RuntimeException ex) {
			CallObservations.failed(observation, ex);
			observation.stop();
			throw ex;
		}
	}

	private <T> CompletableFuture<T> callAsync(String method, Object params, JavaType resultType, Duration timeout) {
		Observation observation = this.observations.start(method);
		CompletableFuture<RpcResponse> reply = new CompletableFuture<>();
		try {
			long id = nextId();
			PendingCall call = PendingCall.async(id, method, this.requests.call(id, method, params, observation), false,
					idempotent(method), deadline(timeout), timeout.toMillis(), address(), this.executor, reply);
			dispatch(call, List.of(call));
		}
		catch (RpcException ex) {
			reply.completeExceptionally(ex);
		}
		return CallObservations.stopWhenDone(observation,
				reply.thenApply((response) -> this.replies.<T>result(method, response, resultType)));
	}

	/**
	 * Takes the message's calls in (each with its deadline) and hands the message to the connection.
	 * @throws RpcException at once, every call of the message failed, when the pending-call limit is
	 * reached or the template is closed
	 */
	void dispatch(Outgoing message, List<PendingCall> carried) {
		for (int i = 0; i < carried.size(); i++) {
			try {
				this.calls.add(carried.get(i));
			}
			catch (RpcException ex) {
				carried.subList(0, i).forEach((added) -> this.calls.fail(added, ex));
				throw ex;
			}
		}
		this.router.send(message);
	}

	long nextId() {
		return this.calls.nextId();
	}

	JsonRpcCodec codec() {
		return this.codec;
	}

	RequestEncoder requests() {
		return this.requests;
	}

	ReplyReader replies() {
		return this.replies;
	}

	CallObservations observations() {
		return this.observations;
	}

	Executor executor() {
		return this.executor;
	}

	Duration timeout() {
		return this.timeout;
	}

	static long deadline(Duration timeout) {
		return System.nanoTime() + timeout.toNanos();
	}

}
