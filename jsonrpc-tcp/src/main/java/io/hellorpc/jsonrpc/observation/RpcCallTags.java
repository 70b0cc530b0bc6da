package io.hellorpc.jsonrpc.observation;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;

/** The names, dialect and error code of one observed call; read through {@link RpcObservationContext}. */
public final class RpcCallTags {

	String service = RpcObservationContext.UNKNOWN;

	String method = RpcObservationContext.UNKNOWN;

	RpcProtocol protocol = RpcProtocol.GO;

	Integer errorCode;

}
