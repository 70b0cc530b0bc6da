package io.hellorpc.jsonrpc.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.security.SecuredServices.Admin;
import io.hellorpc.jsonrpc.security.SecuredServices.CountingUsers;
import io.hellorpc.jsonrpc.security.SecuredServices.Job;
import io.hellorpc.jsonrpc.security.SecuredServices.MethodSecurity;
import io.hellorpc.jsonrpc.security.SecuredServices.Users;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import static io.hellorpc.jsonrpc.security.SecuredServices.certificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Each call runs as its connection's caller over real mutual TLS ({@code client-auth: want}):
 * alice (ROLE_ADMIN) is served, bob (ROLE_USER) is denied, a client without a certificate must
 * authenticate; by {@code @PreAuthorize}, {@code @Secured} and {@code @RolesAllowed}, on a method
 * returning a {@code CompletableFuture} too, on every call-thread mode; and no thread carries one
 * call's context into the next.
 */
@ExtendWith(OutputCaptureExtension.class)
class RpcSecurityTests {

	private static final List<String> GUARDED = List.of("Admin.Purge", "Admin.Secured", "Admin.Allowed", "Admin.PurgeLater");

	private static final Map<String, String> DONE = Map.of("Admin.Purge", "purged", "Admin.Secured", "secured",
			"Admin.Allowed", "allowed", "Admin.PurgeLater", "purged later");

	private static final int ROUNDS = 8;

	static Stream<Arguments> callThreadModes() {
		return Stream.of(Arguments.of("auto (unmarked methods: task executor)", new String[] {}),
				Arguments.of("event-loop", new String[] { "rpc.server.call-threads=event-loop" }),
				Arguments.of("virtual-threads", new String[] { "spring.threads.virtual.enabled=true" }));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("callThreadModes")
	void aliceIsServedBobIsDeniedAndAClientWithoutACertificateMustAuthenticateInterleavedOnEachCallThreadMode(String mode,
			String[] properties) {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class, Users.class), properties);
				RpcTemplate alice = SecuredServices.client(server, certificates.alice(), RpcProtocol.GO);
				RpcTemplate bob = SecuredServices.client(server, certificates.bob(), RpcProtocol.GO);
				RpcTemplate anonymous = SecuredServices.client(server, null, RpcProtocol.GO);
				RpcTemplate alice2 = SecuredServices.client(server, certificates.alice(), RpcProtocol.JSON_RPC_2);
				RpcTemplate bob2 = SecuredServices.client(server, certificates.bob(), RpcProtocol.JSON_RPC_2);
				RpcTemplate anonymous2 = SecuredServices.client(server, null, RpcProtocol.JSON_RPC_2)) {
			for (int round = 0; round < ROUNDS; round++) {
				// Every client's every call of the round at once, so that they interleave on the server's threads.
				List<CompletableFuture<String>> calls = new ArrayList<>();
				List<String> expected = new ArrayList<>();
				for (String method : GUARDED) {
					String done = DONE.get(method) + " cache-" + round + " by alice";
					calls.add(outcome(alice.callAsync(method, new Job("cache-" + round), String.class)));
					expected.add(done);
					calls.add(outcome(bob.callAsync(method, new Job("cache-" + round), String.class)));
					expected.add("error: rpc: access denied to " + method);
					calls.add(outcome(anonymous.callAsync(method, new Job("cache-" + round), String.class)));
					expected.add("error: rpc: authentication required for " + method);
					calls.add(outcome(alice2.callAsync(method, new Job("cache-" + round), String.class)));
					expected.add(done);
					calls.add(outcome(bob2.callAsync(method, new Job("cache-" + round), String.class)));
					expected.add("error -32011: rpc: access denied to " + method);
					calls.add(outcome(anonymous2.callAsync(method, new Job("cache-" + round), String.class)));
					expected.add("error -32010: rpc: authentication required for " + method);
				}
				assertThat(calls.stream().map(CompletableFuture::join).toList()).as("round %d on %s", round, mode)
					.containsExactlyElementsOf(expected);
			}
			// Method security proxies the endpoint; the registry calls through the proxy, so its interceptor runs.
			assertThat(AopUtils.isCglibProxy(server.bean(Admin.class))).isTrue();
			// A denied call never ran: only alice's did.
			assertThat(server.bean(Admin.class).runs()).isEqualTo(ROUNDS * GUARDED.size() * 2);
			String alicesThread = alice.call("Admin.WhoAmI", new Job("me"), String.class);
			assertThat(alicesThread).startsWith("alice on ");
			assertThat(bob.call("Admin.WhoAmI", new Job("me"), String.class)).startsWith("bob on ");
			assertThat(anonymous.call("Admin.WhoAmI", new Job("me"), String.class)).startsWith("anonymousUser on ");
			switch (mode) {
				case "event-loop" -> assertThat(alicesThread).contains("rpc-io");
				case "virtual-threads" -> assertThat(alicesThread).contains("VirtualThread");
				default -> assertThat(alicesThread).contains("task-").doesNotContain("VirtualThread");
			}
		}
	}

	@Test
	void anAnonymousClientInterleavedWithAliceOnOneReusedThreadIsAlwaysDeniedAndTheThreadKeepsNoContext() throws Exception {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class, Users.class),
				"spring.task.execution.pool.core-size=1", "spring.task.execution.pool.max-size=1");
				RpcTemplate alice = SecuredServices.client(server, certificates.alice(), RpcProtocol.GO);
				RpcTemplate anonymous = SecuredServices.client(server, null, RpcProtocol.GO)) {
			Set<String> threads = new TreeSet<>();
			for (int round = 0; round < 50; round++) {
				// Strictly one after the other: each anonymous call takes the thread alice's call has just left.
				assertThat(alice.call("Admin.Purge", new Job("a" + round), String.class)).isEqualTo("purged a" + round + " by alice");
				assertThat(outcome(anonymous.callAsync("Admin.Purge", new Job("n" + round), String.class)).join())
					.isEqualTo("error: rpc: authentication required for Admin.Purge");
				threads.add(thread(alice.call("Admin.WhoAmI", new Job("me"), String.class), "alice"));
				threads.add(thread(anonymous.call("Admin.WhoAmI", new Job("me"), String.class), "anonymousUser"));
			}
			// And all at once, queued on the one thread.
			List<CompletableFuture<String>> mixed = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				mixed.add(outcome(alice.callAsync("Admin.Purge", new Job("b" + i), String.class)));
				mixed.add(outcome(anonymous.callAsync("Admin.Purge", new Job("m" + i), String.class)));
			}
			for (int i = 0; i < 50; i++) {
				assertThat(mixed.get(2 * i).join()).isEqualTo("purged b" + i + " by alice");
				assertThat(mixed.get(2 * i + 1).join()).isEqualTo("error: rpc: authentication required for Admin.Purge");
			}
			assertThat(threads).hasSize(1);
			assertThat(server.bean(Admin.class).runs()).isEqualTo(100);
			// The one call thread, after all those calls, holds no authentication.
			AsyncTaskExecutor executor = server.bean(ThreadPoolTaskExecutor.class);
			assertThat(executor.submit(() -> Thread.currentThread() + " "
					+ SecurityContextHolder.getContext().getAuthentication()).get())
				.isEqualTo(threads.iterator().next() + " null");
		}
	}

	@Test
	void aCertificatesUserIsLoadedOncePerConnectionNotPerCall() {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class, Users.class));
				RpcTemplate alice = SecuredServices.client(server, certificates.alice(), RpcProtocol.GO)) {
			for (int i = 0; i < 20; i++) {
				assertThat(alice.call("Admin.Purge", new Job("c" + i), String.class)).isEqualTo("purged c" + i + " by alice");
			}
			assertThat(server.bean(CountingUsers.class).loads("alice")).isEqualTo(1);
		}
	}

	/** A user store down for its first lookup. */
	@Configuration(proxyBeanMethods = false)
	static class FlakyUsers {

		@Bean
		UserDetailsService users() {
			UserDetailsService alice = new InMemoryUserDetailsManager(
					User.withUsername("alice").password("{noop}unused").roles("ADMIN").build());
			AtomicInteger lookups = new AtomicInteger();
			return (name) -> {
				if (lookups.incrementAndGet() == 1) {
					throw new InternalAuthenticationServiceException("user store down");
				}
				return alice.loadUserByUsername(name);
			};
		}

	}

	@Test
	void aUserStoreThatFailsFailsThatCallAndIsAskedAgainRatherThanMakingTheConnectionAnonymous() {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class, FlakyUsers.class));
				RpcTemplate alice = SecuredServices.client(server, certificates.alice(), RpcProtocol.JSON_RPC_2)) {
			assertThat(outcome(alice.callAsync("Admin.Purge", new Job("x"), String.class)).join())
				.isEqualTo("error -32603: rpc: Admin.Purge failed with an internal error");
			assertThat(alice.call("Admin.Purge", new Job("y"), String.class)).isEqualTo("purged y by alice");
		}
	}

	@Test
	void aCertificateNamingNoKnownUserCallsAnonymously() {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class, Users.class));
				RpcTemplate stranger = SecuredServices.client(server, certificates.client(), RpcProtocol.JSON_RPC_2)) {
			assertThat(stranger.call("Admin.WhoAmI", new Job("me"), String.class)).startsWith("anonymousUser on ");
			assertThat(outcome(stranger.callAsync("Admin.Purge", new Job("x"), String.class)).join())
				.isEqualTo("error -32010: rpc: authentication required for Admin.Purge");
			assertThat(server.bean(CountingUsers.class).loads("hello-rpc client")).isEqualTo(1);
		}
	}

	@Test
	void overPlainTcpEveryCallerIsAnonymous() {
		try (RunningServer server = RunningServer.startWith(new Class<?>[] { MethodSecurity.class, Users.class });
				RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Admin.Purge\",\"params\":[{\"Target\":\"x\"}],\"id\":1}\n");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":1,\"result\":null,\"error\":\"rpc: authentication required for Admin.Purge\"}");
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Admin.Purge\",\"params\":[{\"Target\":\"x\"}],\"id\":2}\n");
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32010,"
					+ "\"message\":\"rpc: authentication required for Admin.Purge\"},\"id\":2}");
			assertThat(server.bean(Admin.class).runs()).isZero();
		}
	}

	@Test
	void withoutAUserDetailsServiceTheCertificatesCnIsTheCallerWithoutAuthorities() {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class));
				RpcTemplate alice = SecuredServices.client(server, certificates.alice(), RpcProtocol.JSON_RPC_2)) {
			assertThat(alice.call("Admin.WhoAmI", new Job("me"), String.class)).startsWith("alice on ");
			assertThat(outcome(alice.callAsync("Admin.Purge", new Job("x"), String.class)).join())
				.isEqualTo("error -32011: rpc: access denied to Admin.Purge");
		}
	}

	@Test
	void refusedCallsAreTheirOwnOutcomesInMetricsAndTheDebugLogNamesWhoWasRefusedWhat(CapturedOutput output) {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class, Users.class),
				"logging.level.io.hellorpc.jsonrpc.security=debug");
				RpcTemplate alice = SecuredServices.client(server, certificates.alice(), RpcProtocol.JSON_RPC_2);
				RpcTemplate bob = SecuredServices.client(server, certificates.bob(), RpcProtocol.JSON_RPC_2);
				RpcTemplate anonymous = SecuredServices.client(server, null, RpcProtocol.JSON_RPC_2)) {
			alice.call("Admin.Purge", new Job("x"), String.class);
			outcome(bob.callAsync("Admin.Purge", new Job("x"), String.class)).join();
			outcome(bob.callAsync("Admin.Secured", new Job("x"), String.class)).join();
			outcome(anonymous.callAsync("Admin.Purge", new Job("x"), String.class)).join();
			MeterRegistry meters = server.bean(MeterRegistry.class);
			await().untilAsserted(() -> {
				assertThat(purges(meters, "SUCCESS", "none")).isEqualTo(1);
				assertThat(purges(meters, "DENIED", "-32011")).isEqualTo(1);
				assertThat(purges(meters, "UNAUTHENTICATED", "-32010")).isEqualTo(1);
			});
			assertThat(meters.get("rpc.server.requests").tag("rpc.method", "Secured").tag("outcome", "DENIED").timer().count())
				.isEqualTo(1);
			assertThat(output).containsPattern("Access denied: bob \\[ROLE_USER\\] from /127\\.0\\.0\\.1:\\d+ may not call Admin\\.Purge")
				.containsPattern("Access denied: bob \\[ROLE_USER\\] from /127\\.0\\.0\\.1:\\d+ may not call Admin\\.Secured")
				.containsPattern("Authentication required: anonymousUser \\[ROLE_ANONYMOUS\\] from /127\\.0\\.0\\.1:\\d+ may not call Admin\\.Purge")
				.containsPattern("Connection from /127\\.0\\.0\\.1:\\d+ calls as alice \\[ROLE_ADMIN\\]");
		}
	}

	private static long purges(MeterRegistry meters, String outcome, String code) {
		Timer timer = meters.find("rpc.server.requests").tag("rpc.service", "Admin").tag("rpc.method", "Purge")
			.tag("outcome", outcome).tag("rpc.jsonrpc.error_code", code).timer();
		return (timer != null) ? timer.count() : 0;
	}

	/** The thread a {@code WhoAmI} answer names, checking whom it names. */
	private static String thread(String whoAmI, String expectedCaller) {
		assertThat(whoAmI).startsWith(expectedCaller + " on ");
		return whoAmI.substring((expectedCaller + " on ").length());
	}

	/** The result, or {@code error[ code]: text} for a remote error. */
	static CompletableFuture<String> outcome(CompletableFuture<String> call) {
		return call.handle((result, failure) -> {
			if (failure == null) {
				return result;
			}
			Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
			if (cause instanceof RpcRemoteException remote) {
				return "error" + ((remote.getCode() != null) ? " " + remote.getCode() : "") + ": " + remote.getMessage();
			}
			return "failed: " + cause;
		});
	}

}
