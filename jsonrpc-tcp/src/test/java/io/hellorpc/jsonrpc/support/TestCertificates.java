package io.hellorpc.jsonrpc.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;

/**
 * Certificates made for the tests by the JDK's own {@code keytool}, once per test JVM, in a fresh
 * directory: a CA with a server certificate (for {@code localhost} and {@code 127.0.0.1}), a second
 * server certificate (for reloads), an expired one and client certificates (alice, bob and one more), plus another CA and a
 * client certificate of its own that the first CA does not vouch for. All as PEM files (PKCS#8
 * keys), the form both Spring's PEM bundles and Go's {@code crypto/tls} read. Nothing is committed.
 */
public final class TestCertificates {

	private static final String PASSWORD = "test-only";

	/** A certificate and its private key, as PEM files. */
	public record Pem(Path certificate, Path privateKey) {
	}

	private static TestCertificates made;

	private final Path dir;

	private TestCertificates(Path dir) {
		this.dir = dir;
	}

	public static synchronized TestCertificates get() {
		if (made == null) {
			try {
				Path dir = Files.createDirectories(Path.of("target")).resolve("test-certificates-" + ProcessHandle.current().pid());
				Files.createDirectories(dir);
				TestCertificates certificates = new TestCertificates(dir);
				certificates.make();
				made = certificates;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return made;
	}

	/** The CA that signs the server and client certificates. */
	public Path ca() {
		return this.dir.resolve("ca.crt");
	}

	/** A CA that signs nothing the tests trust. */
	public Path otherCa() {
		return this.dir.resolve("other-ca.crt");
	}

	public Pem server() {
		return pem("server");
	}

	/** The server's name on an RSA-2048 key (made on first use: only the benchmark's handshake rows need it). */
	public synchronized Pem serverRsa() {
		if (!Files.exists(this.dir.resolve("server-rsa.crt"))) {
			makeLeaf("ca", "server-rsa", "CN=hello-rpc server", "dns:localhost,ip:127.0.0.1", "serverAuth", null,
					List.of("-keyalg", "RSA", "-keysize", "2048"));
		}
		return pem("server-rsa");
	}

	/** Another certificate for the same server, told apart by its subject ({@code CN=hello-rpc server 2}). */
	public Pem serverRenewed() {
		return pem("server-renewed");
	}

	/** Valid for one day, three days ago. */
	public Pem serverExpired() {
		return pem("server-expired");
	}

	/** A server certificate for {@code elsewhere.example} only. */
	public Pem serverOtherName() {
		return pem("server-other-name");
	}

	public Pem client() {
		return pem("client");
	}

	/** A client certificate for {@code CN=alice} (with more in its subject: {@code OU=ops, O=hello-rpc}). */
	public Pem alice() {
		return pem("alice");
	}

	/** A client certificate for {@code CN=bob}. */
	public Pem bob() {
		return pem("bob");
	}

	/** A client certificate signed by {@link #otherCa()}. */
	public Pem clientOfOtherCa() {
		return pem("client-other-ca");
	}

	/** An SSL bundle presenting {@code identity} (none when {@code null}) and trusting {@code trusted} (the JDK's CAs when {@code null}). */
	public static SslBundle bundle(Pem identity, Path trusted) {
		PemSslStoreDetails key = (identity != null) ? PemSslStoreDetails.forCertificate("file:" + identity.certificate())
			.withPrivateKey("file:" + identity.privateKey()) : null;
		PemSslStoreDetails trust = (trusted != null) ? PemSslStoreDetails.forCertificate("file:" + trusted) : null;
		return SslBundle.of(new PemSslStoreBundle(key, trust));
	}

	/** The {@code spring.ssl.bundle.pem.NAME.*} properties of such a bundle. */
	public static List<String> bundleProperties(String name, Pem identity, Path trusted) {
		String prefix = "spring.ssl.bundle.pem." + name + ".";
		List<String> properties = new ArrayList<>();
		if (identity != null) {
			properties.add(prefix + "keystore.certificate=file:" + identity.certificate());
			properties.add(prefix + "keystore.private-key=file:" + identity.privateKey());
		}
		if (trusted != null) {
			properties.add(prefix + "truststore.certificate=file:" + trusted);
		}
		return properties;
	}

	private Pem pem(String name) {
		return new Pem(this.dir.resolve(name + ".crt"), this.dir.resolve(name + ".key"));
	}

	private void make() throws IOException {
		CompletableFuture<Void> ca = CompletableFuture.runAsync(() -> makeCa("ca", "CN=hello-rpc test CA"));
		CompletableFuture<Void> otherCa = CompletableFuture.runAsync(() -> makeCa("other-ca", "CN=hello-rpc other CA"));
		List<CompletableFuture<Void>> leaves = new ArrayList<>();
		leaves.add(ca.thenRunAsync(() -> makeLeaf("ca", "server", "CN=hello-rpc server", "dns:localhost,ip:127.0.0.1", "serverAuth", null)));
		leaves.add(ca.thenRunAsync(() -> makeLeaf("ca", "server-renewed", "CN=hello-rpc server 2", "dns:localhost,ip:127.0.0.1", "serverAuth", null)));
		leaves.add(ca.thenRunAsync(() -> makeLeaf("ca", "server-expired", "CN=hello-rpc expired server", "dns:localhost,ip:127.0.0.1", "serverAuth", "-3d")));
		leaves.add(ca.thenRunAsync(() -> makeLeaf("ca", "server-other-name", "CN=elsewhere", "dns:elsewhere.example", "serverAuth", null)));
		leaves.add(ca.thenRunAsync(() -> makeLeaf("ca", "client", "CN=hello-rpc client", null, "clientAuth", null)));
		leaves.add(ca.thenRunAsync(() -> makeLeaf("ca", "alice", "CN=alice, OU=ops, O=hello-rpc", null, "clientAuth", null)));
		leaves.add(ca.thenRunAsync(() -> makeLeaf("ca", "bob", "CN=bob", null, "clientAuth", null)));
		leaves.add(otherCa.thenRunAsync(() -> makeLeaf("other-ca", "client-other-ca", "CN=hello-rpc stranger", null, "clientAuth", null)));
		CompletableFuture.allOf(leaves.toArray(CompletableFuture[]::new)).join();
	}

	private void makeCa(String alias, String subject) {
		keytool("-genkeypair", "-alias", alias, "-dname", subject, "-keyalg", "EC", "-groupname", "secp256r1",
				"-validity", "30", "-ext", "bc:c", "-keystore", store(alias));
		keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", store(alias), "-file", file(alias + ".crt"));
	}

	private void makeLeaf(String caAlias, String alias, String subject, String san, String usage, String startDate) {
		makeLeaf(caAlias, alias, subject, san, usage, startDate, List.of("-keyalg", "EC", "-groupname", "secp256r1"));
	}

	private void makeLeaf(String caAlias, String alias, String subject, String san, String usage, String startDate,
			List<String> key) {
		List<String> generate = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-dname", subject));
		generate.addAll(key);
		generate.addAll(List.of("-validity", "30", "-keystore", store(alias)));
		keytool(generate.toArray(String[]::new));
		keytool("-certreq", "-alias", alias, "-keystore", store(alias), "-file", file(alias + ".csr"));
		List<String> sign = new ArrayList<>(List.of("-gencert", "-alias", caAlias, "-keystore", store(caAlias), "-rfc",
				"-infile", file(alias + ".csr"), "-outfile", file(alias + ".crt"), "-ext", "eku=" + usage));
		if (san != null) {
			sign.addAll(List.of("-ext", "san=" + san));
		}
		sign.addAll((startDate != null) ? List.of("-startdate", startDate, "-validity", "1") : List.of("-validity", "30"));
		keytool(sign.toArray(String[]::new));
		writePrivateKey(alias);
	}

	private void writePrivateKey(String alias) {
		try (InputStream in = Files.newInputStream(Path.of(store(alias)))) {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(in, PASSWORD.toCharArray());
			Key key = store.getKey(alias, PASSWORD.toCharArray());
			String pem = "-----BEGIN PRIVATE KEY-----\n"
					+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
					+ "\n-----END PRIVATE KEY-----\n";
			Files.writeString(Path.of(file(alias + ".key")), pem);
		}
		catch (IOException | java.security.GeneralSecurityException ex) {
			throw new IllegalStateException("cannot write the private key of " + alias, ex);
		}
	}

	private String store(String alias) {
		return file(alias + ".p12");
	}

	private String file(String name) {
		return this.dir.resolve(name).toString();
	}

	private static void keytool(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD, "-noprompt"));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			byte[] output = process.getInputStream().readAllBytes();
			if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("keytool " + String.join(" ", arguments) + " failed: "
						+ new String(output, StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
