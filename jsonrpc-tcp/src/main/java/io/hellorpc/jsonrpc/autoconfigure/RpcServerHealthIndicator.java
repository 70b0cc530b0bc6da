package io.hellorpc.jsonrpc.autoconfigure;

import java.net.InetSocketAddress;

import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.server.RpcServerActivity;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code rpc}: UP with the bound address while the JSON-RPC listener runs, DOWN otherwise; its
 * details say what it buffers and, under memory pressure, why it is not taking new work.
 */
public class RpcServerHealthIndicator extends AbstractHealthIndicator {

	private final RpcServer server;

	public RpcServerHealthIndicator(RpcServer server) {
		super("JSON-RPC listener health check failed");
		this.server = server;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		InetSocketAddress address = this.server.address();
		if (address == null) {
			builder.down().withDetail("listening", false);
			return;
		}
		RpcServerActivity activity = this.server.activity();
		builder.up()
			.withDetail("address", address.getHostString() + ":" + address.getPort())
			.withDetail("connections", activity.openConnections())
			.withDetail("callsInFlight", activity.callsInFlight())
			.withDetail("bufferedBytes", activity.bufferedBytes())
			.withDetail("memoryBudgetBytes", activity.memoryBudget());
		if (activity.underMemoryPressure()) {
			builder.withDetail("memoryPressure", activity.bufferedBytes() + " bytes buffered is near "
					+ "rpc.server.memory.budget (" + activity.memoryBudget() + " bytes): not accepting connections, "
					+ "not reading those that hold bytes, readiness REFUSING_TRAFFIC until it eases");
		}
	}

}
