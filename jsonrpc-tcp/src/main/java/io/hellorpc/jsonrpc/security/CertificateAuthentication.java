package io.hellorpc.jsonrpc.security;

import java.security.cert.X509Certificate;
import java.util.List;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.UserDetailsByNameServiceWrapper;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationProvider;
import org.springframework.security.web.authentication.preauth.PreAuthenticatedAuthenticationToken;
import org.springframework.security.web.authentication.preauth.x509.SubjectX500PrincipalExtractor;
import org.springframework.security.web.authentication.preauth.x509.X509PrincipalExtractor;

/**
 * A client certificate's caller, as Spring Security's {@code x509()} makes it: the subject's CN
 * ({@link SubjectX500PrincipalExtractor}), loaded through the {@link UserDetailsService} when there
 * is one (its authorities, its account checks), else the CN alone without authorities.
 */
final class CertificateAuthentication {

	private final X509PrincipalExtractor extractor = new SubjectX500PrincipalExtractor();

	/** {@code null} without a {@link UserDetailsService}. */
	private final PreAuthenticatedAuthenticationProvider provider;

	CertificateAuthentication(UserDetailsService users) {
		if (users != null) {
			this.provider = new PreAuthenticatedAuthenticationProvider();
			this.provider.setPreAuthenticatedUserDetailsService(new UserDetailsByNameServiceWrapper<>(users));
			this.provider.afterPropertiesSet();
		}
		else {
			this.provider = null;
		}
	}

	/** Whether authenticating may block: it asks a user store. */
	boolean mayBlock() {
		return this.provider != null;
	}

	/**
	 * @param chain the peer's certificates, its own first
	 * @return its authentication, or {@code null} when the chain is empty
	 * @throws org.springframework.security.core.AuthenticationException when the certificate names
	 * no CN or no known user
	 */
	Authentication authenticate(List<X509Certificate> chain) {
		if (chain.isEmpty()) {
			return null;
		}
		X509Certificate certificate = chain.get(0);
		Object principal = this.extractor.extractPrincipal(certificate);
		if (this.provider == null) {
			return new PreAuthenticatedAuthenticationToken(principal, certificate, List.of());
		}
		return this.provider.authenticate(new PreAuthenticatedAuthenticationToken(principal, certificate));
	}

}
