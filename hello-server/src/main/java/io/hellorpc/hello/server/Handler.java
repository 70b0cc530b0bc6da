package io.hellorpc.hello.server;

import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcNonBlocking;

/** The Go original's {@code Handler}: {@code Handler.Execute} says hello to a name. */
@RpcEndpoint
public class Handler {

	/** Never blocks: runs on the connection's event loop, no hand-off to the task executor. */
	@RpcNonBlocking
	public Response execute(Request request) {
		if (request.name() == null || request.name().isEmpty()) {
			throw new IllegalArgumentException("A name must be specified");
		}
		return new Response("Hello " + request.name());
	}

	/** {@code {"Name":"ciro"}}. */
	public record Request(String name) {
	}

	/** {@code {"Message":"Hello ciro"}}. */
	public record Response(String message) {
	}

}
