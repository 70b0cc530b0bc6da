package io.hellorpc.jsonrpc.security;

import java.net.SocketAddress;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.net.ssl.SSLPeerUnverifiedException;

import io.hellorpc.jsonrpc.server.RpcServerCall;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.AccountStatusException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * The authentication a call runs with. By default its connection's, made once per connection on
 * its first call (after the TLS handshake, on the call's thread, since a {@code UserDetailsService}
 * may block) and kept with the connection: the certificate's caller, or anonymous without one or
 * when the certificate names no known user (as {@code x509()} falls back to anonymous). An
 * {@link RpcAuthenticationConverter} instead is asked on every call.
 */
final class CallerAuthentication {

	private static final Log logger = LogFactory.getLog(CallerAuthentication.class);

	private static final AttributeKey<Authentication> AUTHENTICATION = AttributeKey.valueOf(CallerAuthentication.class,
			"authentication");

	/** {@code null}: the connection's certificate decides. */
	private final RpcAuthenticationConverter converter;

	private final CertificateAuthentication certificates;

	/** As Spring Security's {@code AnonymousAuthenticationFilter} makes it, with a key of this application's. */
	private final Authentication anonymous = new AnonymousAuthenticationToken(UUID.randomUUID().toString(),
			"anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));

	CallerAuthentication(RpcAuthenticationConverter converter, CertificateAuthentication certificates) {
		this.converter = converter;
		this.certificates = certificates;
	}

	/** Whether telling the caller may block: the application's converter, or a user store, is asked. */
	boolean mayBlock() {
		return this.converter != null || this.certificates.mayBlock();
	}

	/** @throws AuthenticationException when the converter does not accept the caller's credentials */
	Authentication of(RpcServerCall call) {
		Channel connection = call.connection();
		if (this.converter != null) {
			Authentication converted = this.converter.convert(new RpcCaller(
					(connection != null) ? connection.remoteAddress() : null, peerCertificates(connection), call.request()));
			if (converted == null) {
				return this.anonymous;
			}
			if (!converted.isAuthenticated()) {
				// Authorities on a token nobody vouched for would pass @PreAuthorize("hasRole(..)").
				throw new BadCredentialsException("the RpcAuthenticationConverter returned an unauthenticated token");
			}
			return converted;
		}
		if (connection == null) {
			return this.anonymous;
		}
		Authentication known = connection.attr(AUTHENTICATION).get();
		if (known == null) {
			Authentication made = ofCertificate(connection);
			known = connection.attr(AUTHENTICATION).setIfAbsent(made);
			known = (known != null) ? known : made;
		}
		return known;
	}

	private Authentication ofCertificate(Channel connection) {
		try {
			Authentication authentication = this.certificates.authenticate(peerCertificates(connection));
			if (authentication == null) {
				return this.anonymous;
			}
			if (logger.isDebugEnabled()) {
				logger.debug("Connection from " + connection.remoteAddress() + " calls as " + authentication.getName() + " "
						+ AuthorityUtils.authorityListToSet(authentication.getAuthorities()));
			}
			return authentication;
		}
		catch (UsernameNotFoundException | BadCredentialsException | AccountStatusException ex) {
			// Only a verdict on this certificate is kept for the connection; a user store that failed
			// (InternalAuthenticationServiceException) fails this call and is asked again on the next.
			logger.debug("Connection from " + connection.remoteAddress() + " calls anonymously: its certificate is not "
					+ "accepted (" + ex.getMessage() + ")");
			return this.anonymous;
		}
	}

	static SocketAddress remoteAddress(RpcServerCall call) {
		return (call.connection() != null) ? call.connection().remoteAddress() : null;
	}

	private static List<X509Certificate> peerCertificates(Channel connection) {
		SslHandler tls = (connection != null) ? connection.pipeline().get(SslHandler.class) : null;
		if (tls == null) {
			return List.of();
		}
		try {
			List<X509Certificate> chain = new ArrayList<>();
			for (Certificate certificate : tls.engine().getSession().getPeerCertificates()) {
				if (certificate instanceof X509Certificate x509) {
					chain.add(x509);
				}
			}
			return chain;
		}
		catch (SSLPeerUnverifiedException ex) {
			return List.of();
		}
	}

}
