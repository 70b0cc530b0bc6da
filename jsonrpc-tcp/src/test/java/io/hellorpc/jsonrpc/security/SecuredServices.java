package io.hellorpc.jsonrpc.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestCertificates;
import io.hellorpc.jsonrpc.support.TestCertificates.Pem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import jakarta.annotation.security.RolesAllowed;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.security.access.annotation.Secured;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * A TLS server ({@code client-auth: want}) whose {@code Admin} service is guarded by method
 * security, users alice (ROLE_ADMIN) and bob (ROLE_USER), metrics on; and its clients: alice's
 * and bob's certificates, and none.
 */
final class SecuredServices {

	static final TestCertificates certificates = TestCertificates.get();

	private SecuredServices() {
	}

	/** The TLS server, with {@code more} configuration and properties (a call-thread mode, say). */
	static RunningServer start(List<Class<?>> configurations, String... more) {
		List<String> properties = new ArrayList<>(TestCertificates.bundleProperties("rpc", certificates.server(), certificates.ca()));
		properties.add("rpc.server.ssl.bundle=rpc");
		properties.add("rpc.server.ssl.client-auth=want");
		properties.addAll(List.of(more));
		return RunningServer.startWith(configurations.toArray(Class<?>[]::new), properties.toArray(String[]::new));
	}

	/** A client presenting {@code identity} ({@code null}: none), in the given dialect. */
	static RpcTemplate client(RunningServer server, Pem identity, RpcProtocol protocol) {
		return new RpcTemplateBuilder().address("127.0.0.1", server.port())
			.ssl(TestCertificates.bundle(identity, certificates.ca()))
			.protocol(protocol)
			.timeout(Duration.ofSeconds(10))
			.build();
	}

	/** alice (ROLE_ADMIN) and bob (ROLE_USER), where certificates' CNs are looked up. */
	@Configuration(proxyBeanMethods = false)
	static class Users {

		@Bean
		CountingUsers users() {
			return new CountingUsers(new InMemoryUserDetailsManager(
					User.withUsername("alice").password("{noop}unused").roles("ADMIN").build(),
					User.withUsername("bob").password("{noop}unused").roles("USER").build()));
		}

	}

	/** Method security on the Admin service, and observed calls. */
	@Configuration(proxyBeanMethods = false)
	@EnableMethodSecurity(securedEnabled = true, jsr250Enabled = true)
	@Import(Admin.class)
	static class MethodSecurity {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		ObservationRegistry observationRegistry(MeterRegistry meters) {
			ObservationRegistry observations = ObservationRegistry.create();
			observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
			return observations;
		}

	}

	/** alice and bob, counting how often each is looked up. */
	static final class CountingUsers implements UserDetailsService {

		private final UserDetailsService users;

		private final Map<String, AtomicInteger> loads = new ConcurrentHashMap<>();

		CountingUsers(UserDetailsService users) {
			this.users = users;
		}

		@Override
		public UserDetails loadUserByUsername(String username) {
			this.loads.computeIfAbsent(username, (name) -> new AtomicInteger()).incrementAndGet();
			return this.users.loadUserByUsername(username);
		}

		int loads(String username) {
			AtomicInteger loads = this.loads.get(username);
			return (loads != null) ? loads.get() : 0;
		}

	}

	/** What the Admin methods take; callers whose credentials travel in the params add a token member. */
	public record Job(String target) {
	}

	/** Each method says who ran it, on which thread; {@link #runs()} counts the guarded ones that ran. */
	@RpcEndpoint(name = "Admin")
	public static class Admin {

		private final AtomicInteger runs = new AtomicInteger();

		@PreAuthorize("hasRole('ADMIN')")
		public String purge(Job job) {
			return ran("purged " + job.target());
		}

		@Secured("ROLE_ADMIN")
		public String secured(Job job) {
			return ran("secured " + job.target());
		}

		@RolesAllowed("ADMIN")
		public String allowed(Job job) {
			return ran("allowed " + job.target());
		}

		/** Method security checks before the method returns its future, which completes elsewhere. */
		@PreAuthorize("hasRole('ADMIN')")
		public CompletableFuture<String> purgeLater(Job job) {
			String done = ran("purged later " + job.target());
			return CompletableFuture.supplyAsync(() -> done);
		}

		/** Unguarded: who the call runs as, and where. */
		public String whoAmI(Job ignored) {
			return name() + " on " + Thread.currentThread();
		}

		public int runs() {
			return this.runs.get();
		}

		private String ran(String what) {
			this.runs.incrementAndGet();
			return what + " by " + name();
		}

		static String name() {
			Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
			return (authentication != null) ? authentication.getName() : "nobody";
		}

	}

}
