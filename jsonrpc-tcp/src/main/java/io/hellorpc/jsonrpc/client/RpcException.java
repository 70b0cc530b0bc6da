package io.hellorpc.jsonrpc.client;

/** The root of everything a call through {@link RpcTemplate} can fail with. */
public class RpcException extends RuntimeException {

	public RpcException(String message) {
		super(message);
	}

	public RpcException(String message, Throwable cause) {
		super(message, cause);
	}

}
