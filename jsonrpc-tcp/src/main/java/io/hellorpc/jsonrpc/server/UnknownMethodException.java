package io.hellorpc.jsonrpc.server;

/** A call to a service or method that is not registered, or to a name that is not {@code Service.Method}. */
public class UnknownMethodException extends RuntimeException {

	public UnknownMethodException(String message) {
		super(message);
	}

}
