package io.hellorpc.jsonrpc.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.socket.SocketChannel;

/**
 * A hook into the Netty listener without replacing a bean: socket options, extra handlers
 * (logging, a proxy protocol decoder, traffic shaping). Every such bean is applied, in order.
 */
public interface RpcServerCustomizer {

	/**
	 * Called once per start, after the listener's own options and before it binds. A handler set
	 * with {@code bootstrap.handler(…)} is added to the listening channel behind the server's own
	 * (which counts accepted connections and pauses accepting when it must).
	 */
	default void customize(ServerBootstrap bootstrap) {
	}

	/**
	 * Called for each accepted connection, after its pipeline is set up, in the order bytes
	 * travel in: TLS (when on, {@code tls} and {@code tls-watch}), {@code idle}, {@code flush},
	 * {@code memory}, {@code framing}, {@code messages}, {@code closer}, {@code admission},
	 * {@code calls}. Add a handler before or after one of them by name.
	 */
	default void customize(SocketChannel connection) {
	}

}
