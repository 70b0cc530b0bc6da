package io.hellorpc.jsonrpc.observation;

import io.micrometer.observation.Observation;

/**
 * One call, as observed on the server or the client. Service and method stay {@value #UNKNOWN}
 * when the call names none that exists, so that a peer cannot create new tag values at will.
 */
public class RpcObservationContext extends Observation.Context {

	public static final String UNKNOWN = "UNKNOWN";

	private String service = UNKNOWN;

	private String method = UNKNOWN;

	public String getService() {
		return this.service;
	}

	public String getMethod() {
		return this.method;
	}

	public void setServiceMethod(String service, String method) {
		this.service = service;
		this.method = method;
	}

}
