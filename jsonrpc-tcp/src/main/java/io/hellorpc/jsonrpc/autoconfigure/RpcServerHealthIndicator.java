package io.hellorpc.jsonrpc.autoconfigure;

import java.net.InetSocketAddress;

import io.hellorpc.jsonrpc.server.NettyRpcServer;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** {@code rpc}: UP with the bound address while the JSON-RPC listener runs, DOWN otherwise. */
public class RpcServerHealthIndicator extends AbstractHealthIndicator {

	private final NettyRpcServer server;

	public RpcServerHealthIndicator(NettyRpcServer server) {
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
		builder.up()
			.withDetail("address", address.getHostString() + ":" + address.getPort())
			.withDetail("connections", this.server.activity().openConnections())
			.withDetail("callsInFlight", this.server.activity().callsInFlight());
	}

}
