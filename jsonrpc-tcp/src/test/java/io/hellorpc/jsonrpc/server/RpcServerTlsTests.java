package io.hellorpc.jsonrpc.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.server.RpcServerActivity.TlsOutcome;
import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestCertificates;
import io.hellorpc.jsonrpc.support.TestCertificates.Pem;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.ssl.SslBundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The listener over TLS and mutual TLS (certificates made by keytool for the run), against Go's
 * crypto/tls client, RpcTemplate and raw sockets: each failure is that peer's error alone.
 */
class RpcServerTlsTests {

	private static final TestCertificates certificates = TestCertificates.get();

	private static RunningServer tlsServer(String clientAuth, Pem identity, String... more) {
		List<String> properties = new ArrayList<>(TestCertificates.bundleProperties("rpc", identity, certificates.ca()));
		properties.add("rpc.server.ssl.bundle=rpc");
		properties.add("rpc.server.ssl.client-auth=" + clientAuth);
		properties.addAll(List.of(more));
		return RunningServer.start(properties.toArray(String[]::new));
	}

	private static RpcTemplate template(int port, SslBundle bundle) {
		return new RpcTemplateBuilder().address("127.0.0.1", port).ssl(bundle).timeout(Duration.ofSeconds(10)).build();
	}

	private static SslBundle clientBundle() {
		return TestCertificates.bundle(certificates.client(), certificates.ca());
	}

	private static String hello(RpcTemplate rpc) {
		return rpc.call("Handler.Execute", new Request("ciro"), Response.class).message();
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
			assertThat(go.stderr()).contains("tls: ").contains("certificate");

			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> hello(anonymous))
				.withMessageContaining("127.0.0.1:" + server.port())
				.withMessageContaining("certificate");

			assertThat(hello(trusted)).isEqualTo("Hello ciro");
			await().untilAsserted(() -> assertThat(server.bean(RpcServerActivity.class).tlsHandshakes(TlsOutcome.FAILED))
				.isEqualTo(2));
			assertThat(server.bean(RpcServerActivity.class).internalErrors()).isZero();
		}
	}

	@Test
	void aClientCertificateSignedByAnotherCaIsRefused() {
		try (RunningServer server = tlsServer("need", certificates.server());
				RpcTemplate stranger = template(server.port(),
						TestCertificates.bundle(certificates.clientOfOtherCa(), certificates.ca()))) {
			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> hello(stranger))
				.withMessageContaining("127.0.0.1:" + server.port());
			await().untilAsserted(() -> assertThat(server.bean(RpcServerActivity.class).tlsHandshakes(TlsOutcome.FAILED))
				.isEqualTo(1));
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
			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> hello(wary))
				.withMessageStartingWith("TLS handshake with 127.0.0.1:" + server.port() + " failed: ")
				.withMessageContaining("PKIX path building failed");
		}
	}

	@Test
	void anExpiredServerCertificateIsRefusedByRpcTemplateAndByGo() {
		try (RunningServer server = tlsServer("none", certificates.serverExpired());
				RpcTemplate rpc = template(server.port(), TestCertificates.bundle(null, certificates.ca()))) {
			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> hello(rpc))
				.withMessageStartingWith("TLS handshake with 127.0.0.1:" + server.port() + " failed: ")
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
				RpcTemplate byName = new RpcTemplateBuilder().address("127.0.0.1", server.port())
					.ssl(trusting, "elsewhere.example")
					.build()) {
			assertThatExceptionOfType(RpcConnectionException.class).isThrownBy(() -> hello(byAddress))
				.withMessageContaining("127.0.0.1");
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
