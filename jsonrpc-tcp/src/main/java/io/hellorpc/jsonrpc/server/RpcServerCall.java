package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.protocol.RpcRequest;
import io.netty.channel.Channel;

/**
 * A call to one of the server's methods, as an {@link RpcCallInterceptor} sees it.
 *
 * @param request the request as read from the wire
 * @param method the method it calls
 * @param connection the connection it came on (its pipeline holds the {@code SslHandler} under
 * TLS); {@code null} only for calls fed to the dispatcher without one
 */
public record RpcServerCall(RpcRequest request, RpcMethod method, Channel connection) {
}
