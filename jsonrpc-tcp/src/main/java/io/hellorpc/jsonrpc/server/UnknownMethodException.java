package io.hellorpc.jsonrpc.server;

/** A call to a service or method that is not registered, or to a name that is not {@code Service.Method}. */
final class UnknownMethodException extends RuntimeException {

	UnknownMethodException(String message) {
		super(message);
	}

}
