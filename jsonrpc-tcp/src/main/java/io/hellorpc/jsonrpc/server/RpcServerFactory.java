package io.hellorpc.jsonrpc.server;

/**
 * Makes the {@link RpcServer} that {@link RpcServerLifecycle} drives. The auto-configured one is a
 * {@link NettyRpcServerFactory}; define a bean of this type to serve another way.
 */
@FunctionalInterface
public interface RpcServerFactory {

	RpcServer createServer();

}
