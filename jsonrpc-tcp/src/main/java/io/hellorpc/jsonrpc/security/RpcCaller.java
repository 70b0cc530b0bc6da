package io.hellorpc.jsonrpc.security;

import java.net.SocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;

import io.hellorpc.jsonrpc.protocol.RpcRequest;

/**
 * What an {@link RpcAuthenticationConverter} knows of a call's caller.
 *
 * @param remoteAddress the peer's address
 * @param certificates the peer's TLS certificate chain, its own certificate first; empty without
 * TLS or when the peer presented none ({@code rpc.server.ssl.client-auth=want})
 * @param request the call as read from the wire (its {@code params} hold what it sent)
 */
public record RpcCaller(SocketAddress remoteAddress, List<X509Certificate> certificates, RpcRequest request) {

	public RpcCaller {
		certificates = List.copyOf(certificates);
	}

}
