package io.hellorpc.jsonrpc.observation;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.micrometer.observation.Observation;

/**
 * One call, as observed on the server or the client. Service and method stay {@value #UNKNOWN}
 * when the call names none that exists, so that a peer cannot create new tag values at will.
 */
public class RpcObservationContext extends Observation.Context {

	public static final String UNKNOWN = "UNKNOWN";

	private String service = UNKNOWN;

	private String method = UNKNOWN;

	private RpcProtocol protocol = RpcProtocol.GO;

	private Integer errorCode;

	public String getService() {
		return this.service;
	}

	public String getMethod() {
		return this.method;
	}

	public RpcProtocol getProtocol() {
		return this.protocol;
	}

	public void setProtocol(RpcProtocol protocol) {
		this.protocol = protocol;
	}

	/** The JSON-RPC error code the call failed with, or {@code null}. */
	public Integer getErrorCode() {
		return this.errorCode;
	}

	public void setErrorCode(Integer errorCode) {
		this.errorCode = errorCode;
	}

	public void setServiceMethod(String service, String method) {
		this.service = service;
		this.method = method;
	}

}
