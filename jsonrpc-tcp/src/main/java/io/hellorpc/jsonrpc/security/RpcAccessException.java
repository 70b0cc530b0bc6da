package io.hellorpc.jsonrpc.security;

import io.hellorpc.jsonrpc.server.RpcApplicationException;

/** A call refused by security, unrun: its code and text are the answer; the cause stays in the server. */
final class RpcAccessException extends RpcApplicationException {

	RpcAccessException(int code, String message, Throwable cause) {
		super(code, message);
		initCause(cause);
	}

}
