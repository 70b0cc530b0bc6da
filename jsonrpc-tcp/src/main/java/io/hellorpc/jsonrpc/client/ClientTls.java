package io.hellorpc.jsonrpc.client;

import java.util.Arrays;

import javax.net.ssl.SSLException;

import io.netty.buffer.ByteBufAllocator;
import io.hellorpc.jsonrpc.transport.NettySsl;
import io.hellorpc.jsonrpc.transport.RpcSslProvider;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

/**
 * A template's TLS, made once from a Spring Boot SSL bundle: the CAs it trusts, the certificate
 * it presents when the bundle has a key store (mutual TLS), and host-name verification, always on:
 * the server's certificate must name the host called, or {@code serverName} when one is given.
 */
final class ClientTls {

	private final SslContext context;

	private final String serverName;

	ClientTls(SslBundle bundle, String serverName, RpcSslProvider provider) {
		this.serverName = serverName;
		SslOptions options = bundle.getOptions();
		SslContextBuilder builder = SslContextBuilder.forClient()
			.sslProvider(NettySsl.provider(provider, options.getCiphers()))
			.trustManager(bundle.getManagers().getTrustManagerFactory())
			.endpointIdentificationAlgorithm("HTTPS");
		if (bundle.getStores().getKeyStore() != null) {
			builder.keyManager(bundle.getManagers().getKeyManagerFactory());
		}
		if (options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		if (options.getCiphers() != null) {
			builder.ciphers(Arrays.asList(options.getCiphers()));
		}
		try {
			this.context = NettySsl.withSessionTickets(builder.build());
		}
		catch (SSLException ex) {
			throw new IllegalArgumentException("cannot make a TLS client context of the SSL bundle: " + ex.getMessage(), ex);
		}
	}

	/**
	 * A handler for a new connection to {@code host}, whose certificate must name it (or the server
	 * name given). Made with the host and port, the context keeps the session of each and offers it
	 * on the next connection there (session resumption): the JDK's provider caches none without them.
	 */
	SslHandler newHandler(ByteBufAllocator allocator, String host, int port, long handshakeTimeoutMillis) {
		SslHandler handler = this.context.newHandler(allocator, (this.serverName != null) ? this.serverName : host, port);
		handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
		return handler;
	}

}
