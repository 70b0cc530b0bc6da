package io.hellorpc.jsonrpc.client;

/** No reply came within the call's timeout; a reply that comes later is discarded. */
public class RpcTimeoutException extends RpcException {

	public RpcTimeoutException(String message) {
		super(message);
	}

}
