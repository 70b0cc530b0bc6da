/**
 * The server: {@link io.hellorpc.jsonrpc.server.RpcEndpoint @RpcEndpoint} beans served by an
 * {@link io.hellorpc.jsonrpc.server.RpcServer} that an
 * {@link io.hellorpc.jsonrpc.server.RpcServerFactory} makes and
 * {@link io.hellorpc.jsonrpc.server.RpcServerLifecycle} drives, configured by
 * {@link io.hellorpc.jsonrpc.server.RpcServerProperties} and
 * {@link io.hellorpc.jsonrpc.server.RpcServerCustomizer}s, observed through
 * {@link io.hellorpc.jsonrpc.server.RpcServerActivity} and its events. The connection pipeline
 * (one handler a job, listed in {@code RpcServerInitializer}) and the call path
 * ({@code RpcDispatcher}) are package-private.
 */
package io.hellorpc.jsonrpc.server;
