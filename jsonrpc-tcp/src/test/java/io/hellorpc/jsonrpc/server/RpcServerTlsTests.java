package io.hellorpc.jsonrpc.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.autoconfigure.JsonRpcAutoConfiguration;
import io.hellorpc.jsonrpc.autoconfigure.RpcClientAutoConfiguration;
import io.hellorpc.jsonrpc.server.RpcServerActivity.TlsOutcome;
import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestCertificates;
import io.hellorpc.jsonrpc.support.TestCertificates.Pem;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import io.hellorpc.jsonrpc.transport.RpcSslProvider;
import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleRegistry;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The listener over TLS and mutual TLS (certificates made by keytool for the run), against Go's
 * crypto/tls client, RpcTemplate and raw sockets: each failure is that peer's error alone. All of
 * it on both TLS providers, the server's and RpcTemplate's alike: the JDK's and OpenSSL (BoringSSL,
 * netty-tcnative-boringssl-static on the test class path), in the same words.
 */
@ExtendWith(OutputCaptureExtension.class)
@ParameterizedClass(name = "TLS on {0}")
@EnumSource(value = RpcSslProvider.class, names = { "JDK", "OPENSSL" })
class RpcServerTlsTests {

	private static final TestCertificates certificates = TestCertificates.get();

	/** The provider of the current test, for the static helpers (the tests of a class run one at a time). */
	private static RpcSslProvider provider;

	@Parameter
	RpcSslProvider parameter;

	@BeforeEach
	void useProvider() {
		if (this.parameter == RpcSslProvider.OPENSSL && "true".equals(System.getenv("HELLO_RPC_REQUIRE_NATIVE"))) {
			assertThat(OpenSsl.isAvailable()).as("OpenSSL, required by HELLO_RPC_REQUIRE_NATIVE: " + OpenSsl.unavailabilityCause())
				.isTrue();
		}
		assumeTrue(this.parameter != RpcSslProvider.OPENSSL || OpenSsl.isAvailable(),
				() -> "OpenSSL is not available here: " + OpenSsl.unavailabilityCause());
		provider = this.parameter;
	}

	private static String providerName() {
		return provider.name().toLowerCase(java.util.Locale.ROOT);
	}

	private static RunningServer tlsServer(String clientAuth, Pem identity, String... more) {
		List<String> properties = new ArrayList<>(TestCertificates.bundleProperties("rpc", identity, certificates.ca()));
		properties.add("rpc.server.ssl.bundle=rpc");
		properties.add("rpc.server.ssl.client-auth=" + clientAuth);
		properties.add("rpc.server.ssl.provider=" + providerName());
		properties.addAll(List.of(more));
		return RunningServer.start(properties.toArray(String[]::new));
	}

	private static RpcTemplate template(int port, SslBundle bundle) {
		return new RpcTemplateBuilder().address("127.0.0.1", port)
			.ssl(bundle)
			.sslProvider(provider)
			.timeout(Duration.ofSeconds(10))
			.build();
	}

	private static SslBundle clientBundle() {
		return TestCertificates.bundle(certificates.client(), certificates.ca());
	}

	private static String hello(RpcTemplate rpc) {
		return rpc.call("Handler.Execute", new Request("ciro"), Response.class).message();
	}

	/**
	 * A call whose handshake fails: the server is tried again in the background until the call's
	 * deadline (2 s), which then names why the handshake failed.
	 */
	private static String helloFailingHandshake(RpcTemplate rpc) {
		return rpc.call("Handler.Execute", new Request("ciro"), Response.class, Duration.ofSeconds(2)).message();
	}

	private static String handshakeFailed(int port) {
		return "cannot reach 127.0.0.1:" + port + " within 2000 ms: 127.0.0.1:" + port + " (TLS handshake failed: ";
	}

	/**
	 * What a client refused under {@code need} sees on its first call (TLS 1.3: the server judges the
	 * certificate after the client's handshake is done), in the JDK's words; JDK 25 puts the alert's
	 * name before them too.
	 */
	private static String refusedUnderNeed(int port) {
		return "connection to 127\\.0\\.0\\.1:" + port
				+ " broken: (\\((bad_certificate|certificate_required)\\) )?Received fatal alert: (bad_certificate|certificate_required)";
	}

	private static String[] goClientFlags(int port, Pem identity) {
		List<String> flags = new ArrayList<>(List.of("-addr=127.0.0.1:" + port, "-ca=" + certificates.ca()));
		if (identity != null) {
			flags.add("-cert=" + identity.certificate());
			flags.add("-key=" + identity.privateKey());
		}
		return flags.toArray(String[]::new);
	}

	@Test
	void goTlsClientWithACertificateGetsHelloErrorsAndConcurrentRepliesOverMutualTls() {
		try (RunningServer server = tlsServer("need", certificates.server())) {
			List<String> flags = new ArrayList<>(List.of("-mode=check"));
			flags.addAll(List.of(goClientFlags(server.port(), certificates.client())));
			ProcessResult result = GoPeer.run(60, flags.toArray(String[]::new));
			assertThat(result.stderr()).isEmpty();
			assertThat(result.stdout()).isEqualTo("""
					hello: Hello ciro
					empty-name: error: A name must be specified
					unknown-method: error: rpc: can't find method Handler.Nope
					unknown-service: error: rpc: can't find service Nope.Execute
					after-errors: Hello again
					concurrent: 200/200 right\s
					""");
			assertThat(server.bean(RpcServerActivity.class).tlsHandshakes(TlsOutcome.SUCCESS)).isEqualTo(1);
		}
	}

	@Test
	void goTlsClientWithASessionCacheResumesItsTls13SessionOnItsSecondConnectionAndIsAnswered() {
		try (RunningServer server = tlsServer("need", certificates.server())) {
			assertThat(goResume(server.port(), null)).isEqualTo(new ProcessResult(0, """
					connection 1: TLSv1.3 resumed=false Hello ciro
					connection 2: TLSv1.3 resumed=true Hello ciro
					""", ""));
			assertThat(server.bean(RpcServerActivity.class).tlsHandshakes(TlsOutcome.SUCCESS)).isEqualTo(2);
		}
	}

	/**
	 * TLS 1.2, Go's client kept to it or the server's bundle allowing nothing else: OpenSSL resumes
	 * (by ticket, which Go needs: its client keeps no session ids). The JDK's provider resumes a TLS
	 * 1.2 session only when it has an extended master secret (RFC 7627), which Go 1.19 does not
	 * send: a full handshake each time, answered all the same. {@code RpcTemplateTlsResumptionTests}
	 * proves the JDK's TLS 1.2 resumption with a client that sends it.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "go client up to TLS 1.2", "server bundle TLSv1.2 only" })
	void goTlsClientResumesTls12OnOpenSslAndHasAFullHandshakeOnTheJdkWhichWantsAnExtendedMasterSecret(String setup) {
		boolean serverPinned = setup.startsWith("server");
		String[] more = serverPinned ? new String[] { "spring.ssl.bundle.pem.rpc.options.enabled-protocols=TLSv1.2" } : new String[0];
		try (RunningServer server = tlsServer("need", certificates.server(), more)) {
			assertThat(goResume(server.port(), serverPinned ? null : "1.2")).isEqualTo(new ProcessResult(0, """
					connection 1: TLSv1.2 resumed=false Hello ciro
					connection 2: TLSv1.2 resumed=%s Hello ciro
					""".formatted(provider == RpcSslProvider.OPENSSL), ""));
		}
	}

	/** Go's client connecting twice with one session cache (tls.Config.ClientSessionCache), a call on each, up to TLS {@code maxVersion}. */
	private static ProcessResult goResume(int port, String maxVersion) {
		List<String> flags = new ArrayList<>(List.of("-mode=resume"));
		if (maxVersion != null) {
			flags.add("-tlsmax=" + maxVersion);
		}
		flags.addAll(List.of(goClientFlags(port, certificates.client())));
		return GoPeer.run(60, flags.toArray(String[]::new));
	}

	@Test
	void rpcTemplateWithACertificateGetsHelloOverMutualTls() {
		try (RunningServer server = tlsServer("need", certificates.server());
				RpcTemplate rpc = template(server.port(), clientBundle())) {
			assertThat(hello(rpc)).isEqualTo("Hello ciro");
		}
	}

	@Test
	void clientsWithoutACertificateAreRefusedUnderNeedWhileOthersAreServed() {
		try (RunningServer server = tlsServer("need", certificates.server());
				RpcTemplate anonymous = template(server.port(), TestCertificates.bundle(null, certificates.ca()));
				RpcTemplate trusted = template(server.port(), clientBundle())) {
			List<String> flags = new ArrayList<>(List.of("-mode=call"));
			flags.addAll(List.of(goClientFlags(server.port(), null)));
			ProcessResult go = GoPeer.run(60, flags.toArray(String[]::new));
			assertThat(go.exitCode()).isNotZero();
			assertThat(go.stdout()).isEmpty();
			// Under TLS 1.3 the alert comes after Go's handshake is done: net/rpc names it when the call was
			// sent before its reader saw the alert, else it says its connection is shut down (the server's count below shows why).
			assertThat(go.stderr()).satisfiesAnyOf((stderr) -> assertThat(stderr).contains("tls: ").contains("certificate"),
					(stderr) -> assertThat(stderr).contains("connection is shut down"));

			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> hello(anonymous))
				.withMessageMatching(refusedUnderNeed(server.port()));

			assertThat(hello(trusted)).isEqualTo("Hello ciro");
			// The refused template keeps trying in the background (with backoff): each try is one more failure.
			await().untilAsserted(() -> assertThat(server.bean(RpcServerActivity.class).tlsHandshakes(TlsOutcome.FAILED))
				.isGreaterThanOrEqualTo(2));
			assertThat(server.bean(RpcServerActivity.class).internalErrors()).isZero();
		}
	}

	@Test
	void aClientCertificateSignedByAnotherCaIsRefused() {
		try (RunningServer server = tlsServer("need", certificates.server());
				RpcTemplate stranger = template(server.port(),
						TestCertificates.bundle(certificates.clientOfOtherCa(), certificates.ca()))) {
			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> hello(stranger))
				.withMessageMatching(refusedUnderNeed(server.port()));
			await().untilAsserted(() -> assertThat(server.bean(RpcServerActivity.class).tlsHandshakes(TlsOutcome.FAILED))
				.isGreaterThanOrEqualTo(1));
			assertThat(server.bean(RpcServerActivity.class).tlsHandshakes(TlsOutcome.SUCCESS)).isZero();
		}
	}

	@Test
	void underWantClientsWithoutACertificateAreServedGoAndRpcTemplateAlike() {
		try (RunningServer server = tlsServer("want", certificates.server());
				RpcTemplate anonymous = template(server.port(), TestCertificates.bundle(null, certificates.ca()))) {
			assertThat(hello(anonymous)).isEqualTo("Hello ciro");
			List<String> flags = new ArrayList<>(List.of("-mode=call"));
			flags.addAll(List.of(goClientFlags(server.port(), null)));
			assertThat(GoPeer.run(60, flags.toArray(String[]::new))).isEqualTo(new ProcessResult(0, "Hello ciro\n", ""));
		}
	}

	@Test
	void aClientThatDoesNotTrustTheServersCaFailsItsHandshakeWithTheReason() {
		try (RunningServer server = tlsServer("none", certificates.server());
				RpcTemplate wary = template(server.port(), TestCertificates.bundle(null, certificates.otherCa()))) {
			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> helloFailingHandshake(wary))
				.withMessageStartingWith(handshakeFailed(server.port()))
				.withMessageContaining("PKIX path building failed");
		}
	}

	@Test
	void anExpiredServerCertificateIsRefusedByRpcTemplateAndByGo() {
		try (RunningServer server = tlsServer("none", certificates.serverExpired());
				RpcTemplate rpc = template(server.port(), TestCertificates.bundle(null, certificates.ca()))) {
			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> helloFailingHandshake(rpc))
				.withMessageStartingWith(handshakeFailed(server.port()))
				.withMessageContaining("validity check failed");
			List<String> flags = new ArrayList<>(List.of("-mode=call"));
			flags.addAll(List.of(goClientFlags(server.port(), null)));
			assertThat(GoPeer.run(60, flags.toArray(String[]::new)).stderr()).contains("certificate has expired");
		}
	}

	@Test
	void theServersCertificateMustNameTheHostCalledUnlessAServerNameIsGiven() {
		SslBundle trusting = TestCertificates.bundle(null, certificates.ca());
		try (RunningServer server = tlsServer("none", certificates.serverOtherName());
				RpcTemplate byAddress = template(server.port(), trusting);
				RpcTemplate byName = new RpcTemplateBuilder().address("127.0.0.1", server.port()).sslProvider(provider)
					.ssl(trusting, "elsewhere.example")
					.build()) {
			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> helloFailingHandshake(byAddress))
				.withMessageStartingWith(handshakeFailed(server.port()))
				.withMessageContaining("No subject alternative names matching IP address 127.0.0.1 found");
			assertThat(hello(byName)).isEqualTo("Hello ciro");
		}
	}

	@Test
	void aPlaintextPeerOnTheTlsPortIsClosedAndCountedAndOthersAreServed() {
		try (RunningServer server = tlsServer("none", certificates.server());
				RpcTemplate rpc = template(server.port(), TestCertificates.bundle(null, certificates.ca()));
				RawConnection plain = server.connect()) {
			plain.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":1}\n");
			assertThat(plain.isClosedByServer()).isTrue();
			RpcServerActivity activity = server.bean(RpcServerActivity.class);
			await().untilAsserted(() -> assertThat(activity.tlsHandshakes(TlsOutcome.PLAINTEXT)).isEqualTo(1));
			assertThat(hello(rpc)).isEqualTo("Hello ciro");
			assertThat(activity.internalErrors()).isZero();
		}
	}

	@Test
	void aPeerThatNeverStartsItsHandshakeIsClosedAtTheHandshakeTimeout() {
		try (RunningServer server = tlsServer("none", certificates.server(), "rpc.server.ssl.handshake-timeout=300ms");
				RawConnection silent = server.connect()) {
			assertThat(silent.isClosedByServer()).isTrue();
			await().untilAsserted(() -> assertThat(server.bean(RpcServerActivity.class).tlsHandshakes(TlsOutcome.TIMEOUT))
				.isEqualTo(1));
		}
	}

	@Test
	void aReloadedBundleServesNewConnectionsWhileOpenOnesKeepGoing(@TempDir Path dir) throws IOException {
		Pem live = new Pem(dir.resolve("tls.crt"), dir.resolve("tls.key"));
		install(certificates.server(), live);
		try (RunningServer server = tlsServer("none", live, "spring.ssl.bundle.pem.rpc.reload-on-update=true",
				"spring.ssl.bundle.watch.file.quiet-period=200ms")) {
			SslBundle trusting = TestCertificates.bundle(null, certificates.ca());
			try (RawConnection before = RawConnection.tls(server.port(), trusting)) {
				assertThat(before.peerSubject()).isEqualTo("CN=hello-rpc server");
				assertThat(before.send(call(1)).readLine()).contains("Hello ciro");

				install(certificates.serverRenewed(), live);
				await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
					try (RawConnection after = RawConnection.tls(server.port(), trusting)) {
						assertThat(after.peerSubject()).isEqualTo("CN=hello-rpc server 2");
						assertThat(after.send(call(2)).readLine()).contains("Hello ciro");
					}
				});

				assertThat(before.send(call(3)).readLine()).contains("\"id\":3").contains("Hello ciro");
				assertThat(server.bean(RpcServerActivity.class).tlsReloads()).isPositive();
			}
		}
	}

	@Test
	void aBundleThatDoesNotExistFailsTheStartWithASentenceSayingWhatToDefine() {
		assertThatThrownBy(() -> RunningServer.start("rpc.server.ssl.bundle=nope")).hasStackTraceContaining("rpc.server.ssl.bundle is 'nope', but no SSL bundle has that name: "
					+ "define spring.ssl.bundle.pem.nope.* or spring.ssl.bundle.jks.nope.*");
	}

	@Test
	void aBundleWithoutAKeyStoreFailsTheStartSayingWhatIsMissing() {
		List<String> properties = new ArrayList<>(TestCertificates.bundleProperties("rpc", null, certificates.ca()));
		properties.add("rpc.server.ssl.bundle=rpc");
		assertThatThrownBy(() -> RunningServer.start(properties.toArray(String[]::new)))
			.hasStackTraceContaining("SSL bundle 'rpc' has no key store: rpc.server.ssl.bundle needs the server's certificate and private key");
	}

	@Test
	void aReloadedBundleWithoutAKeyStoreIsLoggedAndThePreviousCertificateKeepsServing(CapturedOutput output) {
		try (RunningServer server = tlsServer("none", certificates.server())) {
			server.bean(SslBundleRegistry.class).updateBundle("rpc", TestCertificates.bundle(null, certificates.ca()));

			assertPreviousCertificateServes(server);
			assertThat(output).contains("JSON-RPC server: SSL bundle 'rpc' was updated but cannot be used; still serving the previous one: "
					+ "SSL bundle 'rpc' has no key store");
		}
	}

	@Test
	void aReloadedKeyThatDoesNotMatchItsCertificateIsLoggedAndThePreviousCertificateKeepsServing(CapturedOutput output) {
		try (RunningServer server = tlsServer("none", certificates.server())) {
			PemSslStoreDetails mismatched = PemSslStoreDetails.forCertificate("file:" + certificates.serverRenewed().certificate())
				.withPrivateKey("file:" + certificates.server().privateKey());
			server.bean(SslBundleRegistry.class).updateBundle("rpc",
					SslBundle.of(new PemSslStoreBundle(mismatched, PemSslStoreDetails.forCertificate("file:" + certificates.ca()))));

			assertPreviousCertificateServes(server);
			assertThat(output).contains("JSON-RPC server: SSL bundle 'rpc' was updated but cannot be used; still serving the previous one: "
					+ "SSL bundle 'rpc': the private key of '")
				.contains("' does not match its certificate CN=hello-rpc server 2");
		}
	}

	@Test
	void aServerKeyThatDoesNotMatchItsCertificateFailsTheStartSayingSo() {
		List<String> properties = new ArrayList<>(List.of("rpc.server.ssl.bundle=rpc",
				"spring.ssl.bundle.pem.rpc.keystore.certificate=file:" + certificates.serverRenewed().certificate(),
				"spring.ssl.bundle.pem.rpc.keystore.private-key=file:" + certificates.server().privateKey()));
		assertThatThrownBy(() -> RunningServer.start(properties.toArray(String[]::new)))
			.hasStackTraceContaining("SSL bundle 'rpc': the private key of '")
			.hasStackTraceContaining("' does not match its certificate CN=hello-rpc server 2");
	}

	@Test
	void reloadedFilesWhoseKeyDoesNotParseAreLoggedAndThePreviousCertificateKeepsServing(@TempDir Path dir, CapturedOutput output)
			throws IOException {
		Pem live = new Pem(dir.resolve("tls.crt"), dir.resolve("tls.key"));
		install(certificates.server(), live);
		try (RunningServer server = tlsServer("none", live, "spring.ssl.bundle.pem.rpc.reload-on-update=true",
				"spring.ssl.bundle.watch.file.quiet-period=200ms")) {
			Path garbage = dir.resolve("garbage.key");
			Files.writeString(garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
			install(new Pem(certificates.serverRenewed().certificate(), garbage), live);

			await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(output)
				.contains("JSON-RPC server: SSL bundle 'rpc' was updated but cannot be used; still serving the previous one: "));
			assertPreviousCertificateServes(server);
		}
	}

	private static void assertPreviousCertificateServes(RunningServer server) {
		try (RawConnection after = RawConnection.tls(server.port(), TestCertificates.bundle(null, certificates.ca()))) {
			assertThat(after.peerSubject()).isEqualTo("CN=hello-rpc server");
			assertThat(after.send(call(7)).readLine()).contains("\"id\":7").contains("Hello ciro");
		}
		assertThat(server.bean(RpcServerActivity.class).tlsReloads()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "want", "need" })
	void clientAuthWithoutATrustStoreFailsTheStartSayingWhatIsMissing(String clientAuth) {
		List<String> properties = new ArrayList<>(TestCertificates.bundleProperties("rpc", certificates.server(), null));
		properties.add("rpc.server.ssl.bundle=rpc");
		properties.add("rpc.server.ssl.client-auth=" + clientAuth);
		assertThatThrownBy(() -> RunningServer.start(properties.toArray(String[]::new)))
			.hasStackTraceContaining("SSL bundle 'rpc' has no trust store: rpc.server.ssl.client-auth=" + clientAuth
					+ " needs the CAs that sign client certificates");
	}

	@Test
	void theServerBundlesEnabledProtocolsAreTheOnlyOnesItSpeaks() throws IOException {
		try (RunningServer server = tlsServer("none", certificates.server(), "spring.ssl.bundle.pem.rpc.options.enabled-protocols=TLSv1.2")) {
			assertThatExceptionOfType(SSLHandshakeException.class)
				.isThrownBy(() -> jdkClientCall(server.port(), new String[] { "TLSv1.3" }, null));
			JdkCall tls12 = jdkClientCall(server.port(), new String[] { "TLSv1.2", "TLSv1.3" }, null);
			assertThat(tls12.session().getProtocol()).isEqualTo("TLSv1.2");
			assertThat(tls12.reply()).contains("Hello ciro");
		}
	}

	@Test
	void theServerBundlesCiphersAreTheOnlyOnesItAcceptsAndOpenSslRefusesTls13CiphersItCannotRestrict(CapturedOutput output)
			throws IOException {
		String[] chaCha = { "spring.ssl.bundle.pem.rpc.options.enabled-protocols=TLSv1.3",
				"spring.ssl.bundle.pem.rpc.options.ciphers=TLS_CHACHA20_POLY1305_SHA256" };
		if (provider == RpcSslProvider.OPENSSL) {
			assertThatThrownBy(() -> tlsServer("none", certificates.server(), chaCha)).hasStackTraceContaining(
					"TLS provider openssl (BoringSSL) cannot restrict TLS 1.3 cipher suites, which the SSL bundle's ciphers do: "
							+ "use the jdk provider, or list TLS 1.2 suites only");
			// auto, the default, takes the JDK's provider for such a bundle.
			List<String> auto = new ArrayList<>(List.of(chaCha));
			auto.add("rpc.server.ssl.provider=auto");
			try (RunningServer server = tlsServer("none", certificates.server(), auto.toArray(String[]::new))) {
				assertThat(output.getOut()).contains("JSON-RPC server listening on /127.0.0.1:" + server.port() + " (")
					.containsPattern(":" + server.port() + " \\(\\w+, TLS on jdk, ");
				assertThat(jdkClientCall(server.port(), new String[] { "TLSv1.3" }, null).session().getCipherSuite())
					.isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
			}
			return;
		}
		// The JDK's own order puts TLS_AES_256_GCM_SHA384 first; only the bundle's list makes the server pick ChaCha20.
		try (RunningServer server = tlsServer("none", certificates.server(), chaCha)) {
			assertThatExceptionOfType(SSLHandshakeException.class)
				.isThrownBy(() -> jdkClientCall(server.port(), new String[] { "TLSv1.3" }, new String[] { "TLS_AES_256_GCM_SHA384" }));
			JdkCall call = jdkClientCall(server.port(), new String[] { "TLSv1.3" },
					new String[] { "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256" });
			assertThat(call.session().getCipherSuite()).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
			assertThat(call.reply()).contains("Hello ciro");
		}
	}

	@Test
	void theClientBundlesEnabledProtocolsAreTheOnlyOnesRpcTemplateOffers() {
		SslOptions tls12Only = SslOptions.of(null, new String[] { "TLSv1.2" });
		SslBundle trusting = TestCertificates.bundle(null, certificates.ca());
		try (RunningServer server = tlsServer("none", certificates.server(), "spring.ssl.bundle.pem.rpc.options.enabled-protocols=TLSv1.3");
				RpcTemplate tls12 = template(server.port(), SslBundle.of(trusting.getStores(), null, tls12Only));
				RpcTemplate any = template(server.port(), trusting)) {
			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> helloFailingHandshake(tls12))
				.withMessageStartingWith(handshakeFailed(server.port()));
			assertThat(hello(any)).isEqualTo("Hello ciro");
		}
	}

	@Test
	void rpcClientSslServerNameIsTheNameTheAutoConfiguredTemplateVerifies() {
		try (RunningServer server = tlsServer("none", certificates.serverOtherName())) {
			ApplicationContextRunner client = new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, JsonRpcAutoConfiguration.class,
						RpcClientAutoConfiguration.class))
				.withPropertyValues(TestCertificates.bundleProperties("mine", null, certificates.ca()).toArray(String[]::new))
				.withPropertyValues("rpc.client.host=127.0.0.1", "rpc.client.port=" + server.port(), "rpc.client.ssl.bundle=mine",
						"rpc.client.ssl.provider=" + providerName());
			client.run((context) -> {
				assertThat(context).hasNotFailed();
				try (RpcTemplate rpc = context.getBean(RpcTemplateBuilder.class).build()) {
					assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> hello(rpc))
						.withMessageContaining("No subject alternative names matching IP address 127.0.0.1 found");
				}
			});
			client.withPropertyValues("rpc.client.ssl.server-name=elsewhere.example").run((context) -> {
				assertThat(context).hasNotFailed();
				try (RpcTemplate rpc = context.getBean(RpcTemplateBuilder.class).build()) {
					assertThat(hello(rpc)).isEqualTo("Hello ciro");
				}
			});
		}
	}

	private record JdkCall(SSLSession session, String reply) {
	}

	/** A call over a plain JDK SSLSocket offering only {@code protocols} (and {@code ciphers}, when given). */
	private static JdkCall jdkClientCall(int port, String[] protocols, String[] ciphers) throws IOException {
		SslBundle trusting = TestCertificates.bundle(null, certificates.ca());
		try (SSLSocket socket = (SSLSocket) trusting.createSslContext().getSocketFactory().createSocket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			socket.setEnabledProtocols(protocols);
			if (ciphers != null) {
				socket.setEnabledCipherSuites(ciphers);
			}
			socket.startHandshake();
			OutputStream out = socket.getOutputStream();
			out.write(call(1).getBytes(StandardCharsets.UTF_8));
			out.flush();
			String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)).readLine();
			return new JdkCall(socket.getSession(), reply);
		}
	}

	private static String call(int id) {
		return "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":" + id + "}\n";
	}

	/** Puts a certificate and key in place the way a renewal does: each file replaced whole, never half-written. */
	private static void install(Pem from, Pem to) throws IOException {
		for (Path[] pair : new Path[][] { { from.privateKey(), to.privateKey() }, { from.certificate(), to.certificate() } }) {
			Path staged = pair[1].resolveSibling(pair[1].getFileName() + ".new");
			Files.copy(pair[0], staged, StandardCopyOption.REPLACE_EXISTING);
			Files.move(staged, pair[1], StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
	}

}
