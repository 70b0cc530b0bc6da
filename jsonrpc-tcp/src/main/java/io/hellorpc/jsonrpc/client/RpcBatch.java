package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Calls and notifications sent together as one JSON-RPC 2.0 batch message, each call's future
 * completed by its own reply. Made by {@link RpcOperations#batch()}; not thread-safe; sent once.
 */
public interface RpcBatch {

	/** Adds a call; its future completes when the batch's reply comes (after {@link #send()}). */
	<T> CompletableFuture<T> call(String method, Object params, Class<T> resultType);

	<T> CompletableFuture<T> call(String method, Object params, ParameterizedTypeReference<T> resultType);

	/** Adds a notification: run by the server, never answered. */
	void notification(String method, Object params);

	/** Sends the batch with the client's timeout for every call in it. */
	void send();

	/** Sends the batch; every call in it has this deadline, counted from now. */
	void send(Duration timeout);

}
