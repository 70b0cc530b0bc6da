package io.hellorpc.jsonrpc.observation;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;

/**
 * One call, as observed on the server ({@link RpcServerObservationContext}) or the client
 * ({@link RpcClientObservationContext}). Service and method stay {@value #UNKNOWN} when the call
 * names none that exists, so that a peer cannot create new tag values at will.
 */
public interface RpcObservationContext {

	String UNKNOWN = "UNKNOWN";

	/** What both sides know of the call, kept in one place. */
	RpcCallTags tags();

	default String getService() {
		return tags().service;
	}

	default String getMethod() {
		return tags().method;
	}

	default RpcProtocol getProtocol() {
		return tags().protocol;
	}

	default void setProtocol(RpcProtocol protocol) {
		tags().protocol = protocol;
	}

	default void setServiceMethod(String service, String method) {
		tags().service = service;
		tags().method = method;
	}

	/** The JSON-RPC error code the call failed with, or {@code null}. */
	default Integer getErrorCode() {
		return tags().errorCode;
	}

	default void setErrorCode(Integer errorCode) {
		tags().errorCode = errorCode;
	}

	/** The failure the observation recorded, or {@code null}. */
	Throwable getError();

}
