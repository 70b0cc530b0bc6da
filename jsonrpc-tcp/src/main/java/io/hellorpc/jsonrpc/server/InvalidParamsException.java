package io.hellorpc.jsonrpc.server;

/** A call whose params are missing, not a one-value array, or not convertible to the method's parameter type. */
public class InvalidParamsException extends RuntimeException {

	public InvalidParamsException(String message) {
		super(message);
	}

}
