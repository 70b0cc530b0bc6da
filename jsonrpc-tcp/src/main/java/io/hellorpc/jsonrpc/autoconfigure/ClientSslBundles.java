package io.hellorpc.jsonrpc.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/** Looks up the SSL bundle a client property names, failing with a sentence that says which property and what to define. */
final class ClientSslBundles {

	private ClientSslBundles() {
	}

	/** The bundle, or {@code null} (plain TCP) when {@code name} is unset. */
	static SslBundle resolve(String property, String name, ObjectProvider<SslBundles> bundles) {
		if (name == null || name.isBlank()) {
			return null;
		}
		SslBundles available = bundles.getIfAvailable();
		if (available == null) {
			throw new IllegalStateException(property + " is '" + name
					+ "', but the application has no SslBundles (Spring Boot's SslAutoConfiguration is off)");
		}
		try {
			return available.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new IllegalStateException(property + " is '" + name + "', but no SSL bundle has that name: define spring.ssl.bundle.pem."
					+ name + ".* or spring.ssl.bundle.jks." + name + ".*", ex);
		}
	}

}
