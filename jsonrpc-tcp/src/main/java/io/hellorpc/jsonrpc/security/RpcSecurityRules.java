package io.hellorpc.jsonrpc.security;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.hellorpc.jsonrpc.server.RpcMethod;

import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthenticatedAuthorizationManager;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.SingleResultAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.util.Assert;

/**
 * Who may call which services and methods, as configuration rather than annotations (spring-grpc's
 * {@code GrpcSecurity} and Spring Security's {@code authorizeHttpRequests} are the model). A call's
 * first matching rule decides, before its params are bound; a call no rule matches is let through
 * (method security still applies). Declare one bean:
 * <pre class="code">
 * &#64;Bean
 * RpcSecurityRules rpcSecurityRules() {
 *     return RpcSecurityRules.builder()
 *         .service("Admin").hasRole("ADMIN")
 *         .method("Handler.Execute").permitAll()
 *         .anyMethod().authenticated()
 *         .build();
 * }
 * </pre>
 * A rule naming a service or method the server does not have fails the start.
 */
public final class RpcSecurityRules {

	private final List<Rule> rules;

	private RpcSecurityRules(List<Rule> rules) {
		this.rules = List.copyOf(rules);
	}

	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Refuses the call when its first matching rule does.
	 * @throws AccessDeniedException when it does
	 */
	void check(Supplier<Authentication> authentication, RpcMethod method) {
		for (Rule rule : this.rules) {
			if (rule.matches(method)) {
				rule.manager().verify(authentication, method);
				return;
			}
		}
	}

	/** @throws IllegalStateException naming the first rule whose service or method the server does not have */
	void checkNamesIn(List<RpcMethod> methods) {
		for (Rule rule : this.rules) {
			if (rule.name() != null && !rule.isDiscovery() && methods.stream().noneMatch(rule::matches)) {
				throw new IllegalStateException("RpcSecurityRules has a rule for " + (rule.service() ? "service" : "method")
						+ " '" + rule.name() + "', which this server does not have");
			}
		}
	}

	/** @param name the service or wire name it matches, {@code null} for any method */
	private record Rule(boolean service, String name, AuthorizationManager<RpcMethod> manager) {

		/** {@code rpc.discover} (service {@code rpc}) is the server's own, not the registry's. */
		boolean isDiscovery() {
			return this.service ? this.name.equals("rpc") : this.name.equals("rpc.discover");
		}

		boolean matches(RpcMethod method) {
			return this.name == null || this.name.equals(this.service ? method.service() : method.wireName());
		}

	}

	/** Rules in the order they are tried. */
	public static final class Builder {

		private final List<Rule> rules = new ArrayList<>();

		private Builder() {
		}

		/** Every method of the service ({@code Admin}: {@code Admin.Purge}, ...). */
		public Access service(String service) {
			Assert.hasText(service, "service must not be empty");
			return new Access(this, true, service);
		}

		/** The method by its wire name ({@code Handler.Execute}). */
		public Access method(String wireName) {
			Assert.hasText(wireName, "wireName must not be empty");
			return new Access(this, false, wireName);
		}

		/** Every method: put it last. */
		public Access anyMethod() {
			return new Access(this, false, null);
		}

		public RpcSecurityRules build() {
			return new RpcSecurityRules(this.rules);
		}

	}

	/** Who may call what a rule matches. */
	public static final class Access {

		private final Builder builder;

		private final boolean service;

		private final String name;

		private Access(Builder builder, boolean service, String name) {
			this.builder = builder;
			this.service = service;
			this.name = name;
		}

		/** Anyone, anonymous callers too. */
		public Builder permitAll() {
			return access(SingleResultAuthorizationManager.permitAll());
		}

		/** No one. */
		public Builder denyAll() {
			return access(SingleResultAuthorizationManager.denyAll());
		}

		/** Any caller who is not anonymous. */
		public Builder authenticated() {
			return access(AuthenticatedAuthorizationManager.authenticated());
		}

		/** Callers with {@code ROLE_role}. */
		public Builder hasRole(String role) {
			return access(AuthorityAuthorizationManager.hasRole(role));
		}

		/** Callers with one of the roles. */
		public Builder hasAnyRole(String... roles) {
			return access(AuthorityAuthorizationManager.hasAnyRole(roles));
		}

		/** Callers with the authority. */
		public Builder hasAuthority(String authority) {
			return access(AuthorityAuthorizationManager.hasAuthority(authority));
		}

		/** Callers with one of the authorities. */
		public Builder hasAnyAuthority(String... authorities) {
			return access(AuthorityAuthorizationManager.hasAnyAuthority(authorities));
		}

		/** Whoever {@code manager} grants, given the method called. */
		public Builder access(AuthorizationManager<RpcMethod> manager) {
			Assert.notNull(manager, "manager must not be null");
			this.builder.rules.add(new Rule(this.service, this.name, manager));
			return this.builder;
		}

	}

}
