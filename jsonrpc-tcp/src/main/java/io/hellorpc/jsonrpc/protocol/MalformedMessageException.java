package io.hellorpc.jsonrpc.protocol;

/**
 * A message that is not a JSON-RPC message at all: the stream it came on cannot be trusted
 * any further, so the connection that carried it is closed after the error reply.
 */
public class MalformedMessageException extends RuntimeException {

	public MalformedMessageException(String message, Throwable cause) {
		super(message, cause);
	}

	public MalformedMessageException(String message) {
		super(message);
	}

}
