package io.hellorpc.jsonrpc.security;

import io.hellorpc.jsonrpc.autoconfigure.JsonRpcAutoConfiguration;
import io.hellorpc.jsonrpc.autoconfigure.RpcServerAutoConfiguration;
import io.hellorpc.jsonrpc.server.RpcCallInterceptor;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcServer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.authentication.preauth.x509.SubjectX500PrincipalExtractor;

import static org.assertj.core.api.Assertions.assertThat;

/** Security switches on with Spring Security on the class path and a server to guard, and not otherwise. */
class RpcSecurityAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JsonRpcAutoConfiguration.class, RpcServerAutoConfiguration.class,
				RpcSecurityAutoConfiguration.class))
		.withPropertyValues("rpc.server.host=127.0.0.1", "rpc.server.port=0");

	@Configuration(proxyBeanMethods = false)
	@Import(Echo.class)
	static class Endpoints {

	}

	@RpcEndpoint
	static class Echo {

		public String echo(String text) {
			return text;
		}

	}

	@Test
	void withSpringSecurityEachCallIsIntercepted() {
		this.runner.withUserConfiguration(Endpoints.class)
			.run((context) -> assertThat(context).hasSingleBean(RpcCallInterceptor.class).hasBean("rpcSecurityInterceptor"));
	}

	@Test
	void withoutSpringSecurityOnTheClassPathNothingChanges() {
		this.runner.withUserConfiguration(Endpoints.class)
			.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class))
			.run((context) -> assertThat(context).hasSingleBean(RpcServer.class).doesNotHaveBean(RpcCallInterceptor.class));
	}

	@Test
	void withoutSpringSecurityWebItsX509ExtractorIsMissingAndSecurityStaysOff() {
		this.runner.withUserConfiguration(Endpoints.class)
			.withClassLoader(new FilteredClassLoader(SubjectX500PrincipalExtractor.class))
			.run((context) -> assertThat(context).hasSingleBean(RpcServer.class).doesNotHaveBean(RpcCallInterceptor.class));
	}

	@Test
	void securityRunsBeforeInterceptorsThatAreNotOrderedAheadOfIt() {
		this.runner.withUserConfiguration(Endpoints.class)
			.withBean("auditing", RpcCallInterceptor.class, () -> (call, next) -> next.get())
			.run((context) -> assertThat(context.getBeanProvider(RpcCallInterceptor.class).orderedStream().toList())
				.first()
				.isSameAs(context.getBean("rpcSecurityInterceptor")));
	}

	@Test
	void twoUserDetailsServicesFailTheStartRatherThanNoneDecidingWhoACertificateIs() {
		this.runner.withUserConfiguration(Endpoints.class)
			.withBean("staff", UserDetailsService.class, () -> new InMemoryUserDetailsManager())
			.withBean("partners", UserDetailsService.class, () -> new InMemoryUserDetailsManager())
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("expected single matching bean but found 2: staff,partners"));
	}

	@Test
	void rulesMayNameTheServersOwnDiscoverMethod() {
		this.runner.withUserConfiguration(Endpoints.class)
			.withBean(RpcSecurityRules.class, () -> RpcSecurityRules.builder()
				.method("rpc.discover").permitAll()
				.service("rpc").permitAll()
				.anyMethod().authenticated()
				.build())
			.run((context) -> assertThat(context).hasNotFailed().hasBean("rpcSecurityInterceptor"));
	}

	@Test
	void withoutEndpointsThereIsNoServerAndNothingToGuard() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(RpcCallInterceptor.class));
	}

}
