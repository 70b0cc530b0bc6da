package io.hellorpc.jsonrpc.bench;

import io.hellorpc.jsonrpc.support.TestCertificates;

/**
 * Makes the tests' certificates (keytool, a fresh CA) for {@code bench/perf.sh}'s TLS rows and
 * prints the directory holding {@code ca.crt}, {@code server.crt}/{@code .key} and
 * {@code client.crt}/{@code .key}.
 */
public final class MakeCertificates {

	private MakeCertificates() {
	}

	public static void main(String[] args) {
		System.out.println(TestCertificates.get().ca().toAbsolutePath().getParent());
	}

}
