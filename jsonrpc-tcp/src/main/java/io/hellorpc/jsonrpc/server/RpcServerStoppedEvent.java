package io.hellorpc.jsonrpc.server;

import org.springframework.context.ApplicationEvent;

/** Published when the JSON-RPC listener has drained and closed. */
public class RpcServerStoppedEvent extends ApplicationEvent {

	public RpcServerStoppedEvent(RpcServer server) {
		super(server);
	}

}
