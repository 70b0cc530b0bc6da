package io.hellorpc.jsonrpc.server;

import java.net.InetSocketAddress;

/**
 * A JSON-RPC listener, made by an {@link RpcServerFactory} and driven by
 * {@link RpcServerLifecycle}: it starts with the application context and drains when it closes.
 */
public interface RpcServer {

	/** Binds and starts accepting; returns the bound address (with the real port when 0 was asked). */
	InetSocketAddress start();

	/**
	 * Stops accepting at once, lets every connection finish the calls it sent within
	 * {@code rpc.server.shutdown-grace-period}, then closes what is left. Holds no lock meanwhile.
	 */
	void stop();

	boolean isRunning();

	/** The bound address, or {@code null} when not listening. */
	InetSocketAddress address();

	/** What the listener is doing now: connections, calls in flight, memory. */
	RpcServerActivity activity();

}
