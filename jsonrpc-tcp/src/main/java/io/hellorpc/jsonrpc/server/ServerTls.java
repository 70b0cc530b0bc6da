package io.hellorpc.jsonrpc.server;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509KeyManager;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.hellorpc.jsonrpc.transport.NettySsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SslHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;

/**
 * The listener's TLS, made from a Spring Boot SSL bundle. When the bundle is reloaded the context
 * is rebuilt and swapped: connections accepted afterwards use the new certificate, open ones keep
 * the session they have. The provider is rpc.server.ssl.provider's: by default OpenSSL where
 * netty-tcnative loads, else the JDK's.
 */
final class ServerTls {

	private static final Log logger = LogFactory.getLog(ServerTls.class);

	private final RpcServerProperties.Ssl ssl;

	private final AtomicReference<SslContext> context = new AtomicReference<>();

	private final RpcServerActivity activity;

	/** The provider of the context in use: a reloaded bundle's ciphers may ask for the other one. */
	private volatile SslProvider provider;

	ServerTls(SslBundles bundles, RpcServerProperties.Ssl ssl, RpcServerActivity activity) {
		this.ssl = ssl;
		this.activity = activity;
		if (bundles == null) {
			throw new IllegalStateException("rpc.server.ssl.bundle is '" + ssl.bundle()
					+ "', but the application has no SslBundles (Spring Boot's SslAutoConfiguration is off)");
		}
		try {
			this.context.set(contextOf(bundles.getBundle(ssl.bundle())));
			bundles.addBundleUpdateHandler(ssl.bundle(), this::reload);
		}
		catch (NoSuchSslBundleException ex) {
			throw new IllegalStateException("rpc.server.ssl.bundle is '" + ssl.bundle()
					+ "', but no SSL bundle has that name: define spring.ssl.bundle.pem." + ssl.bundle()
					+ ".* or spring.ssl.bundle.jks." + ssl.bundle() + ".*", ex);
		}
	}

	/** The TLS implementation's name: {@code jdk} or {@code openssl}. */
	String providerName() {
		return NettySsl.name(this.provider);
	}

	/** A handler for a new connection, from the bundle as it is now. */
	SslHandler newHandler(ByteBufAllocator allocator) {
		SslHandler handler = this.context.get().newHandler(allocator);
		handler.setHandshakeTimeoutMillis(this.ssl.handshakeTimeout().toMillis());
		return handler;
	}

	private void reload(SslBundle bundle) {
		try {
			this.context.set(contextOf(bundle));
			this.activity.tlsReloaded();
			logger.info("JSON-RPC server: SSL bundle '" + this.ssl.bundle() + "' reloaded; new connections use it");
		}
		catch (RuntimeException ex) {
			// The old certificate keeps serving rather than the listener refusing everyone.
			logger.error("JSON-RPC server: SSL bundle '" + this.ssl.bundle()
					+ "' was updated but cannot be used; still serving the previous one: " + ex.getMessage(), ex);
		}
	}

	private SslContext contextOf(SslBundle bundle) {
		String name = "SSL bundle '" + this.ssl.bundle() + "'";
		if (bundle.getStores().getKeyStore() == null) {
			throw new IllegalStateException(name + " has no key store: rpc.server.ssl.bundle needs the server's certificate and private key");
		}
		if (this.ssl.clientAuth() != RpcServerProperties.ClientAuth.NONE && bundle.getStores().getTrustStore() == null) {
			throw new IllegalStateException(name + " has no trust store: rpc.server.ssl.client-auth="
					+ this.ssl.clientAuth().name().toLowerCase(java.util.Locale.ROOT)
					+ " needs the CAs that sign client certificates");
		}
		checkKeysMatchCertificates(name, bundle);
		SslOptions options = bundle.getOptions();
		SslProvider provider = NettySsl.provider(this.ssl.provider(), options.getCiphers());
		SslContextBuilder builder = SslContextBuilder.forServer(bundle.getManagers().getKeyManagerFactory())
			.sslProvider(provider)
			.trustManager(bundle.getManagers().getTrustManagerFactory())
			.clientAuth(switch (this.ssl.clientAuth()) {
				case NONE -> ClientAuth.NONE;
				case WANT -> ClientAuth.OPTIONAL;
				case NEED -> ClientAuth.REQUIRE;
			});
		if (options.getEnabledProtocols() != null) {
			builder.protocols(options.getEnabledProtocols());
		}
		if (options.getCiphers() != null) {
			builder.ciphers(Arrays.asList(options.getCiphers()));
		}
		try {
			SslContext context = NettySsl.withSessionTickets(builder.build());
			this.provider = provider;
			return context;
		}
		catch (SSLException ex) {
			throw new IllegalStateException(name + " cannot make a TLS server context: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The JDK builds a context from a key that is not the certificate's and fails every handshake
	 * later; a reload must see that now, to keep the previous bundle.
	 */
	private static void checkKeysMatchCertificates(String name, SslBundle bundle) {
		try {
			KeyStore store = bundle.getStores().getKeyStore();
			// The bundle's chosen key when it names one (the only one served), else every entry.
			String chosen = bundle.getKey().getAlias();
			List<String> aliases = (chosen != null) ? List.of(chosen) : Collections.list(store.aliases());
			for (KeyManager manager : bundle.getManagers().getKeyManagerFactory().getKeyManagers()) {
				if (manager instanceof X509KeyManager keys) {
					for (String alias : aliases) {
						PrivateKey key = keys.getPrivateKey(alias);
						X509Certificate[] chain = keys.getCertificateChain(alias);
						if (key != null && chain != null && chain.length > 0 && !signsFor(key, chain[0].getPublicKey())) {
							throw new IllegalStateException(name + ": the private key of '" + alias
									+ "' does not match its certificate " + chain[0].getSubjectX500Principal().getName());
						}
					}
				}
			}
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(name + ": cannot read its key store: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Whether what {@code key} signs {@code certified} verifies; {@code true} for keys this cannot
	 * test (another type, or one that signs only inside its own provider, as PKCS#11's).
	 */
	private static boolean signsFor(PrivateKey key, PublicKey certified) {
		String algorithm = switch (key.getAlgorithm()) {
			case "EC" -> "SHA256withECDSA";
			case "RSA" -> "SHA256withRSA";
			case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
			default -> null;
		};
		if (algorithm == null) {
			return true;
		}
		byte[] probe = "hello-rpc key check".getBytes(StandardCharsets.US_ASCII);
		byte[] signature;
		try {
			Signature signer = Signature.getInstance(algorithm);
			signer.initSign(key);
			signer.update(probe);
			signature = signer.sign();
		}
		catch (GeneralSecurityException ex) {
			return true;
		}
		try {
			Signature verifier = Signature.getInstance(algorithm);
			verifier.initVerify(certified);
			verifier.update(probe);
			return verifier.verify(signature);
		}
		catch (GeneralSecurityException ex) {
			return false;
		}
	}

}
