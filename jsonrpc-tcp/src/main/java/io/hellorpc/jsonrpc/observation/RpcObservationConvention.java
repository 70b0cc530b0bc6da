package io.hellorpc.jsonrpc.observation;

import io.hellorpc.jsonrpc.protocol.RpcError;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names RPC calls the way Spring names HTTP exchanges ({@code http.server.requests}), with
 * OpenTelemetry's RPC attribute names as tags. Micrometer's meter handler adds the {@code error}
 * tag (the exception's simple name, or {@code none}).
 */
public class RpcObservationConvention implements ObservationConvention<Observation.Context> {

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
	public String getContextualName(Observation.Context context) {
		RpcObservationContext call = (RpcObservationContext) context;
		return call.getService() + "/" + call.getMethod();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(Observation.Context observed) {
		RpcObservationContext context = (RpcObservationContext) observed;
		return KeyValues.of("rpc.system", SYSTEM, "rpc.service", context.getService(), "rpc.method",
				context.getMethod(), "outcome", outcome(context),
				"rpc.jsonrpc.version", context.getProtocol().version(), "rpc.jsonrpc.error_code",
				errorCode(context.getErrorCode()));
	}

	/** {@code SUCCESS}, {@code ERROR}, or a call refused by security: {@code UNAUTHENTICATED} or {@code DENIED}. */
	private static String outcome(RpcObservationContext context) {
		Integer code = context.getErrorCode();
		if (code != null && code == RpcError.UNAUTHENTICATED) {
			return "UNAUTHENTICATED";
		}
		if (code != null && code == RpcError.ACCESS_DENIED) {
			return "DENIED";
		}
		return (context.getError() != null || code != null) ? "ERROR" : "SUCCESS";
	}

	/**
	 * OpenTelemetry's {@code rpc.jsonrpc.error_code}, kept to a bounded set: the standard codes and
	 * the default application code and security's two as they are, any other code an application chose as
	 * {@code application}, so that codes cannot grow the number of series.
	 */
	private static String errorCode(Integer code) {
		if (code == null) {
			return "none";
		}
		if ((code >= -32700 && code <= -32600) || code == RpcError.APPLICATION_ERROR || code == RpcError.UNAUTHENTICATED
				|| code == RpcError.ACCESS_DENIED) {
			return String.valueOf(code);
		}
		return "application";
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof RpcObservationContext;
	}

}
