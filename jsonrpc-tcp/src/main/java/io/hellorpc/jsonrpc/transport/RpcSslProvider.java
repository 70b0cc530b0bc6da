package io.hellorpc.jsonrpc.transport;

/**
 * Which TLS implementation runs the handshakes and the encryption ({@code rpc.server.ssl.provider},
 * {@code rpc.client.ssl.provider}): the SSL bundle, client authentication, reloads and error
 * sentences are the same on both.
 */
public enum RpcSslProvider {

	/** OpenSSL (BoringSSL) where {@code netty-tcnative-boringssl-static} loads, else the JDK's. */
	AUTO,

	/** The JDK's own TLS (JSSE). */
	JDK,

	/** BoringSSL through {@code netty-tcnative-boringssl-static}; fails the start where it cannot load. */
	OPENSSL

}
