package io.hellorpc.jsonrpc.security;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * Who is calling, for callers that prove it otherwise than with a TLS client certificate (a token
 * in the params of a JSON-RPC 2.0 call, say). A bean of this type replaces the certificate rule
 * entirely, and is asked on every call, on the thread that runs it.
 */
@FunctionalInterface
public interface RpcAuthenticationConverter {

	/**
	 * @param caller the call and its connection
	 * @return the caller's authentication, authenticated (the method runs with it in its
	 * {@code SecurityContext}), or {@code null} for an anonymous caller
	 * @throws AuthenticationException when the caller's credentials are not accepted: the call is
	 * refused unrun with {@code rpc: authentication required for Service.Method} (code -32010),
	 * whatever the method's rules
	 */
	Authentication convert(RpcCaller caller) throws AuthenticationException;

}
