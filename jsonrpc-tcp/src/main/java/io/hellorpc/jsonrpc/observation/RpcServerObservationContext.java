package io.hellorpc.jsonrpc.observation;

import java.util.Map;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

/**
 * A call a server answers. Its carrier is the trace context the request brought
 * ({@code traceparent}, {@code tracestate}), read by a tracing handler to continue the caller's
 * trace; empty when the caller sent none.
 */
public class RpcServerObservationContext extends ReceiverContext<Map<String, String>> implements RpcObservationContext {

	private final RpcCallTags tags = new RpcCallTags();

	public RpcServerObservationContext(Map<String, String> carrier) {
		super(Map::get, Kind.SERVER);
		setCarrier(carrier);
	}

	@Override
	public String getService() {
		return this.tags.service;
	}

	@Override
	public String getMethod() {
		return this.tags.method;
	}

	@Override
	public RpcProtocol getProtocol() {
		return this.tags.protocol;
	}

	public void setProtocol(RpcProtocol protocol) {
		this.tags.protocol = protocol;
	}

	@Override
	public Integer getErrorCode() {
		return this.tags.errorCode;
	}

	@Override
	public void setErrorCode(Integer errorCode) {
		this.tags.errorCode = errorCode;
	}

	public void setServiceMethod(String service, String method) {
		this.tags.serviceMethod(service, method);
	}

}
