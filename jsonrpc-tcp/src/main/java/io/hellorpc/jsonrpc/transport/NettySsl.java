package io.hellorpc.jsonrpc.transport;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;

/**
 * The Netty {@link SslProvider} of an {@link RpcSslProvider}, and TLS failures worded alike on
 * both. Machinery, not API.
 */
public final class NettySsl {

	/** BoringSSL's words for an alert the peer sent: {@code error:1000045c:SSL routines:OPENSSL_internal:TLSV1_ALERT_CERTIFICATE_REQUIRED}. */
	private static final Pattern OPENSSL_ALERT = Pattern
		.compile("error:\\p{XDigit}+:SSL routines:\\w+:(?:TLSV1|SSLV3)_ALERT_(\\w+)");

	/** What OpenSslEngine says of a failure it has a cause for, which the cause says better. */
	private static final String OPENSSL_WRAPPER = "General OpenSslEngine problem";

	private NettySsl() {
	}

	/**
	 * The provider asked for: {@link RpcSslProvider#AUTO} is OpenSSL where it loads, else the JDK's;
	 * and the JDK's too where the bundle restricts TLS 1.3's cipher suites, which BoringSSL cannot.
	 * @throws IllegalStateException when OpenSSL is asked for and cannot load, or cannot honour the
	 * bundle's ciphers, with the reason
	 */
	public static SslProvider provider(RpcSslProvider requested, String[] ciphers) {
		boolean tls13Ciphers = restrictsTls13Ciphers(ciphers);
		return switch (requested) {
			case JDK -> SslProvider.JDK;
			case AUTO -> (OpenSsl.isAvailable() && !tls13Ciphers) ? SslProvider.OPENSSL : SslProvider.JDK;
			case OPENSSL -> {
				if (!OpenSsl.isAvailable()) {
					Throwable cause = OpenSsl.unavailabilityCause();
					throw new IllegalStateException("TLS provider openssl is not available: "
							+ ((cause instanceof ClassNotFoundException || cause instanceof NoClassDefFoundError)
									? "its jar (netty-tcnative-boringssl-static) is not on the class path"
									: String.valueOf(cause)));
				}
				if (tls13Ciphers) {
					throw new IllegalStateException("TLS provider openssl (BoringSSL) cannot restrict TLS 1.3 cipher suites, "
							+ "which the SSL bundle's ciphers do: use the jdk provider, or list TLS 1.2 suites only");
				}
				yield SslProvider.OPENSSL;
			}
		};
	}

	private static boolean restrictsTls13Ciphers(String[] ciphers) {
		if (ciphers == null) {
			return false;
		}
		for (String cipher : ciphers) {
			// TLS 1.3's suites name no key exchange: TLS_AES_128_GCM_SHA256, TLS_CHACHA20_POLY1305_SHA256.
			if (cipher.startsWith("TLS_AES_") || cipher.startsWith("TLS_CHACHA20_")) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Session tickets in TLS 1.2 too, on OpenSSL as on the JDK's provider. Netty turns tickets off
	 * on an OpenSSL context and back on per connection only where TLS 1.3 is enabled, so a bundle
	 * limited to TLS 1.2 would never resume with a peer that resumes only by ticket, as Go's client
	 * and server do. The keys are BoringSSL's own, made and rotated by it, as TLS 1.3's already are.
	 */
	public static SslContext withSessionTickets(SslContext context) {
		if (context.sessionContext() instanceof OpenSslSessionContext sessions) {
			sessions.setTicketKeys();
		}
		return context;
	}

	/** The provider's name as its property value is written: {@code jdk} or {@code openssl}. */
	public static String name(SslProvider provider) {
		return (provider == SslProvider.JDK) ? "jdk" : "openssl";
	}

	/**
	 * A TLS failure's message in the JDK's words on both providers: BoringSSL's alert codes as
	 * {@code Received fatal alert: certificate_required}.
	 */
	public static String errorText(String message) {
		if (message == null) {
			return null;
		}
		Matcher alert = OPENSSL_ALERT.matcher(message);
		return alert.find() ? "Received fatal alert: " + alert.group(1).toLowerCase(Locale.ROOT) : message;
	}

	/**
	 * The failure that says what went wrong: past OpenSslEngine's generic wrapper to the trust
	 * manager's own exception, as the JDK's provider reports it.
	 */
	public static Throwable meaningful(Throwable failure) {
		Throwable current = failure;
		while (current.getCause() != null && current.getCause() != current
				&& String.valueOf(current.getMessage()).startsWith(OPENSSL_WRAPPER)) {
			current = current.getCause();
		}
		return current;
	}

}
