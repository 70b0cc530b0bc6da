package io.hellorpc.jsonrpc.server;

/** A call whose params are missing, extra, of the wrong shape, or not convertible to the method's parameter types. */
final class InvalidParamsException extends RuntimeException {

	InvalidParamsException(String message) {
		super(message);
	}

}
