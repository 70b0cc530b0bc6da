package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;

import org.springframework.core.ParameterizedTypeReference;

/**
 * The calls a JSON-RPC client makes, as {@code RestOperations} is for HTTP: implemented by
 * {@link RpcTemplate}, and by whatever test double an application puts in its place. Every call
 * has a deadline, the client's timeout unless the call gives its own. Failures are unchecked and
 * typed: {@link RpcRemoteException} (the server's error), {@link RpcTimeoutException},
 * {@link RpcConnectionException}, all {@link RpcException}s.
 */
public interface RpcOperations {

	/** Calls {@code method} ({@code Service.Method}) with {@code params} and waits for the result. */
	<T> T call(String method, Object params, Class<T> resultType);

	/** As {@link #call(String, Object, Class)}, with this call's own timeout. */
	<T> T call(String method, Object params, Class<T> resultType, Duration timeout);

	/** Calls {@code method} for a generic result type, such as {@code List<Response>}. */
	<T> T call(String method, Object params, ParameterizedTypeReference<T> resultType);

	<T> T call(String method, Object params, ParameterizedTypeReference<T> resultType, Duration timeout);

	/** Calls without waiting; the future fails with one of the {@link RpcException}s. */
	<T> CompletableFuture<T> callAsync(String method, Object params, Class<T> resultType);

	<T> CompletableFuture<T> callAsync(String method, Object params, Class<T> resultType, Duration timeout);

	<T> CompletableFuture<T> callAsync(String method, Object params, ParameterizedTypeReference<T> resultType);

	<T> CompletableFuture<T> callAsync(String method, Object params, ParameterizedTypeReference<T> resultType,
			Duration timeout);

	/**
	 * Sends a JSON-RPC 2.0 notification: the method runs and nothing is answered, so its errors are
	 * never known. Returns once the message is written (within the timeout).
	 * @throws IllegalStateException in Go's dialect, which has no notifications
	 */
	void sendNotification(String method, Object params);

	/** As {@link #sendNotification(String, Object)}, with its own timeout for writing it. */
	void sendNotification(String method, Object params, Duration timeout);

	/**
	 * A new JSON-RPC 2.0 batch: calls and notifications added to it go out as one message.
	 * @throws IllegalStateException in Go's dialect, which has no batches
	 */
	RpcBatch batch();

	/** The dialect spoken. */
	RpcProtocol protocol();

	/** {@code host:port} of the server called. */
	String address();

}
