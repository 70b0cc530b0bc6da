package io.hellorpc.jsonrpc.observation;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names RPC calls the way Spring names HTTP exchanges ({@code http.server.requests}), with
 * OpenTelemetry's RPC attribute names as tags. Micrometer's meter handler adds the {@code error}
 * tag (the exception's simple name, or {@code none}).
 */
public class RpcObservationConvention implements ObservationConvention<RpcObservationContext> {

	/** Calls a server answers: {@code rpc.server.requests}. */
	public static final RpcObservationConvention SERVER = new RpcObservationConvention("rpc.server.requests");

	/** Calls a client makes: {@code rpc.client.requests}. */
	public static final RpcObservationConvention CLIENT = new RpcObservationConvention("rpc.client.requests");

	private static final String SYSTEM = "jsonrpc";

	private final String name;

	public RpcObservationConvention(String name) {
		this.name = name;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public String getContextualName(RpcObservationContext context) {
		return context.getService() + "/" + context.getMethod();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(RpcObservationContext context) {
		return KeyValues.of("rpc.system", SYSTEM, "rpc.service", context.getService(), "rpc.method",
				context.getMethod(), "outcome", (context.getError() != null) ? "ERROR" : "SUCCESS");
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof RpcObservationContext;
	}

}
