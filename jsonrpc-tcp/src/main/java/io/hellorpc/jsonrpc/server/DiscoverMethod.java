package io.hellorpc.jsonrpc.server;

import java.lang.reflect.Method;
import java.util.List;

import tools.jackson.databind.JsonNode;

import org.springframework.util.ReflectionUtils;

/**
 * {@code rpc.discover}, the OpenRPC specification's service discovery method: JSON-RPC 2.0 only,
 * no params, answered with the document given once at start-up. It is an ordinary method for the
 * call path (params checked, observed as {@code rpc.service=rpc}, {@code rpc.method=discover}),
 * kept out of the registry, which refuses the reserved {@code rpc.} names to endpoints.
 */
final class DiscoverMethod {

	static final String NAME = "rpc.discover";

	private final JsonNode document;

	private DiscoverMethod(JsonNode document) {
		this.document = document;
	}

	/** Invoked reflectively, as an endpoint method is. */
	public JsonNode discover() {
		return this.document;
	}

	static RpcMethod of(JsonNode document) {
		Method discover = ReflectionUtils.findMethod(DiscoverMethod.class, "discover");
		ReflectionUtils.makeAccessible(discover);
		return new RpcMethod("rpc", "discover", NAME, new DiscoverMethod(document), discover, List.of(), true, false, false);
	}

}
