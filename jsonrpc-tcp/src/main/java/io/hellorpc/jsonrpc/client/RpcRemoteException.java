package io.hellorpc.jsonrpc.client;

/** The server answered the call with an error; the message is the server's text, unchanged. */
public class RpcRemoteException extends RpcException {

	private final String method;

	public RpcRemoteException(String method, String error) {
		super(error);
		this.method = method;
	}

	/** The {@code Service.Method} that failed. */
	public String getMethod() {
		return this.method;
	}

}
