package io.hellorpc.jsonrpc.server;

/**
 * Thrown by an endpoint method to fail its call with an error code and data of its own: JSON-RPC
 * 2.0 callers get {@code {"code":code,"message":message,"data":data}}, Go's dialect the message.
 * Any other exception is code {@code -32000} ({@link io.hellorpc.jsonrpc.protocol.RpcError#APPLICATION_ERROR})
 * with its message and no data.
 */
public class RpcApplicationException extends RuntimeException {

	private final int code;

	private final transient Object data;

	public RpcApplicationException(int code, String message) {
		this(code, message, null);
	}

	/** @param data written as JSON in the error's {@code data}; {@code null} for none */
	public RpcApplicationException(int code, String message, Object data) {
		super(message);
		this.code = code;
		this.data = data;
	}

	public int getCode() {
		return this.code;
	}

	public Object getData() {
		return this.data;
	}

}
