package io.hellorpc.jsonrpc.test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.client.RpcBatch;
import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcException;
import io.hellorpc.jsonrpc.client.RpcOperations;
import io.hellorpc.jsonrpc.client.RpcParams;
import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcTimeoutException;
import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Expected calls and their answers, for unit tests of code that calls through {@link RpcOperations}
 * (or an {@code @RpcExchange} client made over it), as Spring's {@code MockRestServiceServer} is for
 * a {@code RestTemplate}; no socket, no thread:
 * <pre class="code">
 * MockRpcServer server = MockRpcServer.create();
 * server.expect("Handler.Execute", new Request("ciro")).andRespond(new Response("Hello ciro"));
 * server.expect("Handler.Execute").andRespondWithError("A name must be specified");
 * Greeter greeter = RpcServiceProxyFactory.of(server.operations()).createClient(Greeter.class);
 * ... the code under test calls greeter ...
 * server.verify();
 * </pre>
 * Calls must come in the order expected; one that is not the next expected, or comes when none is
 * left, fails the test with an {@link AssertionError} naming both. Params and results travel as
 * JSON through the wire format's mapper (Go's field names), so a param is matched by the JSON it
 * would be sent as, and a result is read as the caller's type as if it came off the wire. Errors
 * are the template's exceptions: {@link RpcRemoteException} (with code and data in JSON-RPC 2.0),
 * {@link RpcTimeoutException}, {@link RpcConnectionException}. Thread-safe.
 */
public final class MockRpcServer {

	private final RpcProtocol protocol;

	private final JsonMapper mapper = GoJson.mapper();

	private final Deque<Expectation> expected = new ArrayDeque<>();

	private final Operations operations = new Operations();

	private MockRpcServer(RpcProtocol protocol) {
		this.protocol = protocol;
	}

	/** A server answering in Go's dialect. */
	public static MockRpcServer create() {
		return new MockRpcServer(RpcProtocol.GO);
	}

	/** A server answering in the given dialect (JSON-RPC 2.0 errors have codes and data; batches, notifications). */
	public static MockRpcServer create(RpcProtocol protocol) {
		return new MockRpcServer(protocol);
	}

	/** The client side, to give to the code under test. */
	public RpcOperations operations() {
		return this.operations;
	}

	/** Expects a call of {@code method}, whatever its params. */
	public synchronized Expectation expect(String method) {
		Expectation expectation = new Expectation(method, null, false);
		this.expected.add(expectation);
		return expectation;
	}

	/** Expects a call of {@code method} whose params are sent as {@code params} would be ({@link RpcParams} too). */
	public synchronized Expectation expect(String method, Object params) {
		Expectation expectation = new Expectation(method, paramsJson(params), true);
		this.expected.add(expectation);
		return expectation;
	}

	/** @throws AssertionError when an expected call was not made */
	public synchronized void verify() {
		if (!this.expected.isEmpty()) {
			List<String> left = new ArrayList<>();
			this.expected.forEach((expectation) -> left.add(expectation.toString()));
			throw new AssertionError(left.size() + " expected call(s) not made: " + String.join(", ", left));
		}
	}

	/** Forgets every expectation. */
	public synchronized void reset() {
		this.expected.clear();
	}

	private synchronized Expectation next(String method, Object params) {
		JsonNode sent = paramsJson(params);
		Expectation expectation = this.expected.peek();
		if (expectation == null) {
			throw new AssertionError("No further calls expected: " + method + " " + sent);
		}
		if (!expectation.method.equals(method) || (expectation.matchParams && !expectation.params.equals(sent))) {
			throw new AssertionError("Unexpected call " + method + " " + sent + ": expected " + expectation);
		}
		this.expected.remove();
		return expectation;
	}

	/** The params as they go on the wire: {@link RpcParams} as the params member, any other object as the one param. */
	private JsonNode paramsJson(Object params) {
		if (params instanceof RpcParams spelled) {
			if (this.protocol != RpcProtocol.JSON_RPC_2) {
				throw new IllegalArgumentException("cannot call with " + spelled
						+ " in Go's net/rpc dialect, which carries exactly one param");
			}
			Object value = (spelled.positionalValues() != null) ? spelled.positionalValues() : spelled.namedValues();
			return (value != null) ? this.mapper.valueToTree(value) : NullNode.getInstance();
		}
		return this.mapper.valueToTree(params);
	}

	private <T> T answer(String method, Object params, JavaType resultType) {
		Expectation expectation = next(method, params);
		if (expectation.failure != null) {
			throw expectation.failure.apply(method);
		}
		JsonNode result = this.mapper.valueToTree(expectation.result);
		return (result == null || result.isNull()) ? null : this.mapper.treeToValue(result, resultType);
	}

	private <T> CompletableFuture<T> answerAsync(String method, Object params, JavaType resultType) {
		try {
			return CompletableFuture.completedFuture(answer(method, params, resultType));
		}
		catch (RpcException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private void requireJsonRpc2(String what) {
		if (this.protocol != RpcProtocol.JSON_RPC_2) {
			throw new IllegalStateException("Go's net/rpc dialect has no " + what);
		}
	}

	/** One expected call, and what it is answered with: a result ({@code null} unless told) or a failure. */
	public final class Expectation {

		private final String method;

		private final JsonNode params;

		private final boolean matchParams;

		private Object result;

		private Failure failure;

		private Expectation(String method, JsonNode params, boolean matchParams) {
			this.method = method;
			this.params = params;
			this.matchParams = matchParams;
		}

		/** Answers with {@code result}, read as the caller's result type through its JSON. */
		public void andRespond(Object result) {
			synchronized (MockRpcServer.this) {
				this.result = result;
			}
		}

		/** Answers with the server's error text, code {@code -32000} in JSON-RPC 2.0. */
		public void andRespondWithError(String message) {
			andRespondWithError(-32000, message, null);
		}

		/** Answers with an error; Go's dialect has its message only. */
		public void andRespondWithError(int code, String message, Object data) {
			Object plainData = (data != null) ? MockRpcServer.this.mapper.treeToValue(
					MockRpcServer.this.mapper.valueToTree(data), Object.class) : null;
			fail((method) -> (MockRpcServer.this.protocol == RpcProtocol.JSON_RPC_2)
					? new RpcRemoteException(method, message, code, plainData) : new RpcRemoteException(method, message));
		}

		/** Fails the call as one whose deadline passed. */
		public void andTimeout() {
			fail((method) -> new RpcTimeoutException(method + ": no reply within the timeout (mock)"));
		}

		/** Fails the call as one that could not reach the server. */
		public void andFailToConnect() {
			fail((method) -> new RpcConnectionException("cannot connect to the server for " + method + " (mock)"));
		}

		private void fail(Failure failure) {
			synchronized (MockRpcServer.this) {
				this.failure = failure;
			}
		}

		@Override
		public String toString() {
			return this.method + (this.matchParams ? " " + this.params : " (any params)");
		}

	}

	@FunctionalInterface
	private interface Failure {

		RpcException apply(String method);

	}

	/** The {@link RpcOperations} side: every call answered by the next expectation. */
	private final class Operations implements RpcOperations {

		private JavaType type(Class<?> type) {
			return MockRpcServer.this.mapper.constructType(type);
		}

		private JavaType type(ParameterizedTypeReference<?> type) {
			return MockRpcServer.this.mapper.constructType(type.getType());
		}

		@Override
		public <T> T call(String method, Object params, Class<T> resultType) {
			return answer(method, params, type(resultType));
		}

		@Override
		public <T> T call(String method, Object params, Class<T> resultType, Duration timeout) {
			return answer(method, params, type(resultType));
		}

		@Override
		public <T> T call(String method, Object params, ParameterizedTypeReference<T> resultType) {
			return answer(method, params, type(resultType));
		}

		@Override
		public <T> T call(String method, Object params, ParameterizedTypeReference<T> resultType, Duration timeout) {
			return answer(method, params, type(resultType));
		}

		@Override
		public <T> CompletableFuture<T> callAsync(String method, Object params, Class<T> resultType) {
			return answerAsync(method, params, type(resultType));
		}

		@Override
		public <T> CompletableFuture<T> callAsync(String method, Object params, Class<T> resultType, Duration timeout) {
			return answerAsync(method, params, type(resultType));
		}

		@Override
		public <T> CompletableFuture<T> callAsync(String method, Object params, ParameterizedTypeReference<T> resultType) {
			return answerAsync(method, params, type(resultType));
		}

		@Override
		public <T> CompletableFuture<T> callAsync(String method, Object params, ParameterizedTypeReference<T> resultType,
				Duration timeout) {
			return answerAsync(method, params, type(resultType));
		}

		@Override
		public void sendNotification(String method, Object params) {
			requireJsonRpc2("notifications");
			next(method, params);
		}

		@Override
		public void sendNotification(String method, Object params, Duration timeout) {
			sendNotification(method, params);
		}

		@Override
		public RpcBatch batch() {
			requireJsonRpc2("batches");
			return new MockBatch();
		}

		@Override
		public RpcProtocol protocol() {
			return MockRpcServer.this.protocol;
		}

		@Override
		public String address() {
			return "mock";
		}

	}

	/** A batch whose entries are answered in the order added, when it is sent. */
	private final class MockBatch implements RpcBatch {

		private final List<Runnable> entries = new ArrayList<>();

		private boolean sent;

		@Override
		public <T> CompletableFuture<T> call(String method, Object params, Class<T> resultType) {
			return add(method, params, MockRpcServer.this.mapper.constructType(resultType));
		}

		@Override
		public <T> CompletableFuture<T> call(String method, Object params, ParameterizedTypeReference<T> resultType) {
			return add(method, params, MockRpcServer.this.mapper.constructType(resultType.getType()));
		}

		@SuppressWarnings("unchecked")
		private <T> CompletableFuture<T> add(String method, Object params, JavaType resultType) {
			CompletableFuture<T> future = new CompletableFuture<>();
			this.entries.add(() -> answerAsync(method, params, resultType).whenComplete((value, failure) -> {
				if (failure != null) {
					future.completeExceptionally(failure);
				}
				else {
					future.complete((T) value);
				}
			}));
			return future;
		}

		@Override
		public void notification(String method, Object params) {
			this.entries.add(() -> next(method, params));
		}

		@Override
		public void send() {
			if (this.sent || this.entries.isEmpty()) {
				throw new IllegalStateException(this.sent ? "this batch was sent already" : "an empty batch cannot be sent");
			}
			this.sent = true;
			this.entries.forEach(Runnable::run);
		}

		@Override
		public void send(Duration timeout) {
			send();
		}

	}

}
