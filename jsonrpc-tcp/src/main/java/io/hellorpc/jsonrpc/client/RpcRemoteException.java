package io.hellorpc.jsonrpc.client;

/**
 * The server answered the call with an error; the message is the server's text, unchanged. A
 * JSON-RPC 2.0 server's error also has a code and may have data.
 */
public class RpcRemoteException extends RpcException {

	private final String method;

	private final Integer code;

	private final transient Object data;

	public RpcRemoteException(String method, String error) {
		this(method, error, null, null);
	}

	public RpcRemoteException(String method, String error, Integer code, Object data) {
		super(error);
		this.method = method;
		this.code = code;
		this.data = data;
	}

	/** The {@code Service.Method} that failed. */
	public String getMethod() {
		return this.method;
	}

	/** The JSON-RPC 2.0 error code ({@code -32601} for an unknown method, ...), or {@code null} in Go's dialect. */
	public Integer getCode() {
		return this.code;
	}

	/** The JSON-RPC 2.0 error data as plain Java (maps, lists, strings, numbers), or {@code null}. */
	public Object getData() {
		return this.data;
	}

}
