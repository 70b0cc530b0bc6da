package io.hellorpc.jsonrpc.server;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the server comes under memory pressure (its buffered bytes reach
 * {@code rpc.server.memory.pressure-threshold} of {@code rpc.server.memory.budget}: it stops
 * accepting and stops reading connections that hold bytes) and when the pressure ends. The
 * auto-configuration turns it into readiness: REFUSING_TRAFFIC while under pressure.
 */
public class RpcServerMemoryPressureEvent extends ApplicationEvent {

	private final boolean underPressure;

	private final long bufferedBytes;

	private final long budgetBytes;

	public RpcServerMemoryPressureEvent(RpcServer server, boolean underPressure, long bufferedBytes, long budgetBytes) {
		super(server);
		this.underPressure = underPressure;
		this.bufferedBytes = bufferedBytes;
		this.budgetBytes = budgetBytes;
	}

	public boolean isUnderPressure() {
		return this.underPressure;
	}

	public long getBufferedBytes() {
		return this.bufferedBytes;
	}

	public long getBudgetBytes() {
		return this.budgetBytes;
	}

}
