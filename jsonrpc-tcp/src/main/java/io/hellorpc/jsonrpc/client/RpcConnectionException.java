package io.hellorpc.jsonrpc.client;

/** The server could not be reached, or the connection was lost or broken before the reply came. */
public class RpcConnectionException extends RpcException {

	public RpcConnectionException(String message) {
		super(message);
	}

	public RpcConnectionException(String message, Throwable cause) {
		super(message, cause);
	}

}
