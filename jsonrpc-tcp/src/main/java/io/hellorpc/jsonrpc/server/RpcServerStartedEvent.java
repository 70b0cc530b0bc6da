package io.hellorpc.jsonrpc.server;

import java.net.InetSocketAddress;

import org.springframework.context.ApplicationEvent;

/** Published when the JSON-RPC listener is bound; {@link #getAddress()} has the real port. */
public class RpcServerStartedEvent extends ApplicationEvent {

	private final InetSocketAddress address;

	public RpcServerStartedEvent(RpcServer server, InetSocketAddress address) {
		super(server);
		this.address = address;
	}

	public InetSocketAddress getAddress() {
		return this.address;
	}

}
