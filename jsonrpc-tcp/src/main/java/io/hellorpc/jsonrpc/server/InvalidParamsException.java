package io.hellorpc.jsonrpc.server;

/** A call whose params are missing, not a one-value array, or not convertible to the method's parameter type. */
final class InvalidParamsException extends RuntimeException {

	InvalidParamsException(String message) {
		super(message);
	}

}
