package io.hellorpc.jsonrpc.server;

/** A call to a method that is not registered (in Go's dialect: to a name that is not {@code Service.Method}). */
final class UnknownMethodException extends RuntimeException {

	UnknownMethodException(String message) {
		super(message);
	}

}
