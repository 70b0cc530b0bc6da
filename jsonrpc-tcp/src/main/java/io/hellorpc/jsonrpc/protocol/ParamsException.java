package io.hellorpc.jsonrpc.protocol;

/** A call's params do not fit the method's parameter; the message is the reply's error text, in Go's words. */
public class ParamsException extends RuntimeException {

	public ParamsException(String message) {
		super(message, null, false, false);
	}

}
