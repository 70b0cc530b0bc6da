package io.hellorpc.jsonrpc.observation;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;

/** What both contexts know of a call: the part of an {@link RpcObservationContext} they share. */
final class RpcCallTags {

	String service = RpcObservationContext.UNKNOWN;

	String method = RpcObservationContext.UNKNOWN;

	RpcProtocol protocol = RpcProtocol.GO;

	Integer errorCode;

	void serviceMethod(String service, String method) {
		this.service = service;
		this.method = method;
	}

}
