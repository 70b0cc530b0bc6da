package io.hellorpc.jsonrpc.client;

/** How a template spreads its calls over the servers its name resolves to ({@code rpc.client.balancer}). */
public enum RpcBalancer {

	/**
	 * Of two servers picked at random, the one with fewer calls waiting for replies (the "power of
	 * two choices", grpc-java's {@code least_request}): a slow server gets fewer calls. The default.
	 */
	LEAST_PENDING,

	/** Each server in turn, whatever its load. */
	ROUND_ROBIN

}
