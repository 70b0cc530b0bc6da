package io.hellorpc.jsonrpc.observation;

import java.util.Map;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

/**
 * A call a client makes. A tracing handler writes the trace context into its carrier when the
 * call starts; the request carries it ({@code traceparent}, {@code tracestate}) to the server.
 */
public class RpcClientObservationContext extends SenderContext<Map<String, String>> implements RpcObservationContext {

	private final RpcCallTags tags = new RpcCallTags();

	public RpcClientObservationContext(Map<String, String> carrier) {
		super((map, key, value) -> map.put(key, value), Kind.CLIENT);
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
