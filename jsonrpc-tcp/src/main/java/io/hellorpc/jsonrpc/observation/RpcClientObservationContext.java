package io.hellorpc.jsonrpc.observation;

import java.util.Map;

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
	public RpcCallTags tags() {
		return this.tags;
	}

}
