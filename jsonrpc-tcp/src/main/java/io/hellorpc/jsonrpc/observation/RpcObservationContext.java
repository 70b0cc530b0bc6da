package io.hellorpc.jsonrpc.observation;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;

/**
 * One call, as observed on the server ({@link RpcServerObservationContext}) or the client
 * ({@link RpcClientObservationContext}). Service and method stay {@value #UNKNOWN} when the call
 * names none that exists, so that a peer cannot create new tag values at will.
 */
public interface RpcObservationContext {

	String UNKNOWN = "UNKNOWN";

	String getService();

	String getMethod();

	RpcProtocol getProtocol();

	/** The JSON-RPC error code the call failed with, or {@code null}. */
	Integer getErrorCode();

	void setErrorCode(Integer errorCode);

	/** The failure the observation recorded, or {@code null}. */
	Throwable getError();

}
