package io.hellorpc.jsonrpc.bench;

import io.hellorpc.jsonrpc.support.TestCertificates;

/**
 * Makes the tests' certificates (keytool, a fresh CA) for {@code bench/perf.sh}'s TLS rows and
 * prints the directory holding {@code ca.crt}, {@code server.crt}/{@code .key} and
 * {@code client.crt}/{@code .key}, and {@code server-rsa.crt}/{@code .key} (the same names on RSA-2048).
 */
public final class MakeCertificates {

	private MakeCertificates() {
	}

	public static void main(String[] args) {
		TestCertificates certificates = TestCertificates.get();
		certificates.serverRsa();
		System.out.println(certificates.ca().toAbsolutePath().getParent());
	}

}
