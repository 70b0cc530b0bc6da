package io.hellorpc.jsonrpc.client;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.PeerServer;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestCertificates;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import io.hellorpc.jsonrpc.transport.RpcSslProvider;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ResumableX509ExtendedTrustManager;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslManagerBundle;
import org.springframework.boot.ssl.SslOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * RpcTemplate's TLS sessions are resumed when it connects again to the same server: its TLS
 * context keeps the session of each host and port (its handlers are made with both) and offers it
 * on the next connection. Observed by Go's crypto/tls server ({@code ConnectionState().DidResume},
 * answered by its {@code Session.State} on the very connection), which closes every connection
 * after one reply so that each call comes on a new one; and against our own server by Netty
 * itself, which tells a {@link ResumableX509ExtendedTrustManager} of each handshake that resumed
 * instead of checking the server's certificate. On both TLS providers, as {@code RpcServerTlsTests}.
 */
@ParameterizedClass(name = "TLS on {0}")
@EnumSource(value = RpcSslProvider.class, names = { "JDK", "OPENSSL" })
class RpcTemplateTlsResumptionTests {

	private static final TestCertificates certificates = TestCertificates.get();

	@Parameter
	RpcSslProvider provider;

	/** Go's Session.State: the TLS version of the connection it is called on, and whether it resumed. */
	record SessionState(String version, boolean resumed) {
	}

	@BeforeEach
	void needsTheProvider() {
		if (this.provider == RpcSslProvider.OPENSSL && "true".equals(System.getenv("HELLO_RPC_REQUIRE_NATIVE"))) {
			assertThat(OpenSsl.isAvailable()).as("OpenSSL, required by HELLO_RPC_REQUIRE_NATIVE: " + OpenSsl.unavailabilityCause())
				.isTrue();
		}
		assumeTrue(this.provider != RpcSslProvider.OPENSSL || OpenSsl.isAvailable(),
				() -> "OpenSSL is not available here: " + OpenSsl.unavailabilityCause());
	}

	private static PeerServer goServer(String... more) {
		List<String> flags = new ArrayList<>(List.of("-cert=" + certificates.server().certificate(),
				"-key=" + certificates.server().privateKey(), "-ca=" + certificates.ca(), "-session", "-callsperconn=1"));
		flags.addAll(List.of(more));
		return GoPeer.startServer("server", flags.toArray(String[]::new));
	}

	private RpcTemplate template(int port, SslBundle bundle) {
		// Go closes the connection after its reply: a call sent before the client saw that is sent again.
		return new RpcTemplateBuilder().address("127.0.0.1", port)
			.ssl(bundle)
			.sslProvider(this.provider)
			.idempotentMethods(Set.of("Session.State"))
			.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
			.timeout(Duration.ofSeconds(10))
			.build();
	}

	private static SslBundle clientBundle() {
		return TestCertificates.bundle(certificates.client(), certificates.ca());
	}

	private static SslBundle onlyProtocol(SslBundle bundle, String protocol) {
		return SslBundle.of(bundle.getStores(), null, SslOptions.of(null, new String[] { protocol }), "TLS", bundle.getManagers());
	}

	private static SessionState state(RpcTemplate rpc) {
		return rpc.call("Session.State", new Request("x"), SessionState.class);
	}

	@Test
	void rpcTemplateResumesItsTls13SessionEachTimeItConnectsAgainToAGoServer() {
		try (PeerServer go = goServer(); RpcTemplate rpc = template(go.port(), clientBundle())) {
			assertThat(state(rpc)).isEqualTo(new SessionState("TLSv1.3", false));
			assertThat(state(rpc)).isEqualTo(new SessionState("TLSv1.3", true));
			assertThat(state(rpc)).isEqualTo(new SessionState("TLSv1.3", true));
		}
	}

	/**
	 * TLS 1.2 with Go, kept to it by Go's server or by the template's bundle: OpenSSL resumes by
	 * ticket, the only way Go's server resumes. The JDK's provider drops Go's TLS 1.2 tickets (they
	 * give no lifetime: "Discarding NewSessionTicket with lifetime 0" in javax.net.debug), so it has
	 * a full handshake each time, answered all the same; it resumes TLS 1.2 with our own server below.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "go server up to TLS 1.2", "template bundle TLSv1.2 only" })
	void rpcTemplateResumesTls12WithAGoServerOnOpenSslAndTheJdkDropsGosTls12Tickets(String setup) {
		boolean templatePinned = setup.startsWith("template");
		SslBundle bundle = templatePinned ? onlyProtocol(clientBundle(), "TLSv1.2") : clientBundle();
		try (PeerServer go = templatePinned ? goServer() : goServer("-tlsmax=1.2"); RpcTemplate rpc = template(go.port(), bundle)) {
			assertThat(state(rpc)).isEqualTo(new SessionState("TLSv1.2", false));
			assertThat(state(rpc)).isEqualTo(new SessionState("TLSv1.2", this.provider == RpcSslProvider.OPENSSL));
		}
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "TLSv1.3", "TLSv1.2" })
	void rpcTemplateResumesItsSessionWithOurServerWhenTheServerClosesItsConnection(String protocol) {
		ObservedTrust trust = new ObservedTrust();
		SslBundle bundle = clientBundle();
		SslBundle observed = SslBundle.of(bundle.getStores(), null, bundle.getOptions(), "TLS",
				SslManagerBundle.of(bundle.getManagers().getKeyManagerFactory(), trust.factory()));
		List<String> properties = new ArrayList<>(TestCertificates.bundleProperties("rpc", certificates.server(), certificates.ca()));
		properties.addAll(List.of("rpc.server.ssl.bundle=rpc", "rpc.server.ssl.client-auth=need",
				"rpc.server.ssl.provider=" + this.provider.name().toLowerCase(Locale.ROOT),
				"spring.ssl.bundle.pem.rpc.options.enabled-protocols=" + protocol,
				// Each connection goes away soon: the template connects again, with the session it has.
				"rpc.server.max-connection-age=200ms", "rpc.server.max-connection-age-grace=1s"));
		try (RunningServer server = RunningServer.start(properties.toArray(String[]::new));
				RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", server.port())
					.ssl(observed)
					.sslProvider(this.provider)
					// A call written as the aged connection closes is lost with it: Handler.Execute may run twice.
					.idempotentMethods(Set.of("Handler.Execute"))
					.reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
					.timeout(Duration.ofSeconds(10))
					.build()) {
			await().untilAsserted(() -> {
				assertThat(rpc.call("Handler.Execute", new Request("ciro"), Response.class)).isEqualTo(new Response("Hello ciro"));
				assertThat(trust.resumed()).isGreaterThanOrEqualTo(2);
			});
			// Only the first connection checked the server's certificate; every later one resumed.
			assertThat(trust.checked()).isEqualTo(1);
			assertThat(trust.resumedProtocols).containsOnly(protocol);
		}
	}

	/**
	 * The CA's own trust manager, counting how often it checked the server's certificate (a full
	 * handshake) and how often Netty told it that a handshake resumed instead.
	 */
	static final class ObservedTrust extends X509ExtendedTrustManager implements ResumableX509ExtendedTrustManager {

		private final X509ExtendedTrustManager pkix = (X509ExtendedTrustManager) TestCertificates.bundle(null, certificates.ca())
			.getManagers()
			.getTrustManagers()[0];

		private final AtomicInteger checked = new AtomicInteger();

		private final AtomicInteger resumed = new AtomicInteger();

		final Set<String> resumedProtocols = ConcurrentHashMap.newKeySet();

		int checked() {
			return this.checked.get();
		}

		int resumed() {
			return this.resumed.get();
		}

		SimpleTrustManagerFactory factory() {
			return new SimpleTrustManagerFactory() {

				@Override
				protected void engineInit(KeyStore keyStore) {
				}

				@Override
				protected void engineInit(ManagerFactoryParameters parameters) {
				}

				@Override
				protected TrustManager[] engineGetTrustManagers() {
					return new TrustManager[] { ObservedTrust.this };
				}

			};
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
			this.pkix.checkServerTrusted(chain, authType, engine);
			this.checked.incrementAndGet();
		}

		@Override
		public void resumeServerTrusted(X509Certificate[] chain, SSLEngine engine) {
			this.resumed.incrementAndGet();
			this.resumedProtocols.add(engine.getSession().getProtocol());
		}

		@Override
		public void resumeClientTrusted(X509Certificate[] chain, SSLEngine engine) {
			throw new UnsupportedOperationException("a client's trust manager");
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
			throw new CertificateException("sockets are not used here");
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			throw new CertificateException("the engine's variant is used");
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
			throw new CertificateException("a client's trust manager");
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
			throw new CertificateException("a client's trust manager");
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			throw new CertificateException("a client's trust manager");
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return this.pkix.getAcceptedIssuers();
		}

	}

}
