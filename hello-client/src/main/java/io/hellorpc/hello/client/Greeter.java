package io.hellorpc.hello.client;

import io.hellorpc.jsonrpc.client.RpcExchange;

/**
 * The Go original's service as this client calls it, {@code Handler.Execute(Request) Response}:
 * a declarative client, made a bean by {@code @ImportRpcServices} on the application.
 */
@RpcExchange("Handler")
public interface Greeter {

	/** {@code Handler.Execute}, the name by Go's convention. */
	Response execute(Request request);

	/** {@code {"Name":"ciro"}}. */
	record Request(String name) {
	}

	/** {@code {"Message":"Hello ciro"}}. */
	record Response(String message) {
	}

}
