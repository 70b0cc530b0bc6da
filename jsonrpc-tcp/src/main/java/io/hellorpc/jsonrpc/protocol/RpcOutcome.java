package io.hellorpc.jsonrpc.protocol;

/**
 * What a call came to, whatever the dialect: a result, or an error.
 *
 * @param result the method's return value ({@code null} on failure)
 * @param error why it failed, or {@code null}
 */
public record RpcOutcome(Object result, RpcError error) {

	public static RpcOutcome success(Object result) {
		return new RpcOutcome(result, null);
	}

	public static RpcOutcome failure(RpcError error) {
		return new RpcOutcome(null, error);
	}

}
