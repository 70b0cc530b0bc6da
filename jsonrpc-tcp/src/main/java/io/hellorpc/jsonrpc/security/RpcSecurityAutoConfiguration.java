package io.hellorpc.jsonrpc.security;

import io.hellorpc.jsonrpc.autoconfigure.RpcServerAutoConfiguration;
import io.hellorpc.jsonrpc.server.RpcCallInterceptor;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextHolderStrategy;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.web.authentication.preauth.x509.SubjectX500PrincipalExtractor;

/**
 * Spring Security for the JSON-RPC server, when Spring Security ({@code spring-security-core} and
 * {@code spring-security-web}, as {@code spring-boot-starter-security} brings them) is on the class
 * path: each call runs with its caller's {@code SecurityContext} (see {@link RpcAuthenticationConverter},
 * {@link RpcSecurityRules}). Method security is the application's own {@code @EnableMethodSecurity}.
 */
@AutoConfiguration(after = RpcServerAutoConfiguration.class)
@ConditionalOnClass({ SecurityContextHolder.class, SubjectX500PrincipalExtractor.class })
@ConditionalOnBean(RpcServiceRegistry.class)
public class RpcSecurityAutoConfiguration {

	/**
	 * @param users where a certificate's CN is looked up, when the application has one (two or more
	 * fail the start: which one would decide who a certificate is?)
	 * @param holder the application's {@code SecurityContextHolderStrategy} bean, the one its
	 * method security reads too; else {@link SecurityContextHolder}'s
	 */
	@Bean
	@ConditionalOnMissingBean(name = "rpcSecurityInterceptor")
	public RpcCallInterceptor rpcSecurityInterceptor(RpcServiceRegistry registry,
			ObjectProvider<RpcAuthenticationConverter> converter, ObjectProvider<UserDetailsService> users,
			ObjectProvider<RpcSecurityRules> rules, ObjectProvider<SecurityContextHolderStrategy> holder) {
		RpcSecurityRules configured = rules.getIfAvailable();
		if (configured != null) {
			configured.checkNamesIn(registry.methods());
		}
		CallerAuthentication callers = new CallerAuthentication(converter.getIfAvailable(),
				new CertificateAuthentication(users.getIfAvailable()));
		return new SecurityContextInterceptor(callers, configured,
				holder.getIfAvailable(SecurityContextHolder::getContextHolderStrategy));
	}

}
