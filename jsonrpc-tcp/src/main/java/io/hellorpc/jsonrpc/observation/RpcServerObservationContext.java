package io.hellorpc.jsonrpc.observation;

import java.util.Map;

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
	public RpcCallTags tags() {
		return this.tags;
	}

}
