package io.hellorpc.jsonrpc.security;

import java.util.List;

import io.hellorpc.jsonrpc.client.RpcParams;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.security.SecuredServices.Admin;
import io.hellorpc.jsonrpc.security.SecuredServices.Job;
import io.hellorpc.jsonrpc.security.SecuredServices.MethodSecurity;
import io.hellorpc.jsonrpc.security.SecuredServices.Users;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices.Nap;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.hellorpc.jsonrpc.security.RpcSecurityTests.outcome;
import static io.hellorpc.jsonrpc.security.SecuredServices.certificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link RpcSecurityRules}: whole services and methods authorized in configuration, the first matching rule deciding. */
class RpcSecurityRulesTests {

	@Configuration(proxyBeanMethods = false)
	static class Rules {

		@Bean
		RpcSecurityRules rpcSecurityRules() {
			return RpcSecurityRules.builder()
				.service("Admin").hasRole("ADMIN")
				.method("Handler.Execute").permitAll()
				.service("Slow").denyAll()
				.anyMethod().authenticated()
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MisspelledRules {

		@Bean
		RpcSecurityRules rpcSecurityRules() {
			return RpcSecurityRules.builder().service("Admn").hasRole("ADMIN").build();
		}

	}

	@Test
	void theFirstMatchingRuleDecidesForEachCallerAndMethod() {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class, Users.class, Rules.class));
				RpcTemplate alice = SecuredServices.client(server, certificates.alice(), RpcProtocol.JSON_RPC_2);
				RpcTemplate bob = SecuredServices.client(server, certificates.bob(), RpcProtocol.JSON_RPC_2);
				RpcTemplate anonymous = SecuredServices.client(server, null, RpcProtocol.JSON_RPC_2)) {
			// service("Admin").hasRole("ADMIN"): a method without annotations too
			assertThat(alice.call("Admin.WhoAmI", new Job("me"), String.class)).startsWith("alice on ");
			assertThat(call(bob, "Admin.WhoAmI", new Job("me"))).isEqualTo("error -32011: rpc: access denied to Admin.WhoAmI");
			assertThat(call(anonymous, "Admin.WhoAmI", new Job("me")))
				.isEqualTo("error -32010: rpc: authentication required for Admin.WhoAmI");
			// method("Handler.Execute").permitAll(): anonymous callers too
			assertThat(anonymous.call("Handler.Execute", new Request("ciro"), Response.class).message()).isEqualTo("Hello ciro");
			// service("Slow").denyAll(): alice too
			assertThat(call(alice, "Slow.Sleep", new Nap(0, "nap"))).isEqualTo("error -32011: rpc: access denied to Slow.Sleep");
			// anyMethod().authenticated()
			assertThat(call(bob, "Handler.Note", "hi")).isEqualTo("hi");
			assertThat(call(anonymous, "Handler.Note", "hi")).isEqualTo("error -32010: rpc: authentication required for Handler.Note");
			assertThat(server.bean(Admin.class).runs()).isZero();
		}
	}

	@Test
	void rulesAreCheckedBeforeParamsAreBoundSoAnAnonymousCallerLearnsNothingOfTheMethod() {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class, Users.class, Rules.class));
				RpcTemplate bob = SecuredServices.client(server, certificates.bob(), RpcProtocol.JSON_RPC_2);
				RpcTemplate anonymous = SecuredServices.client(server, null, RpcProtocol.JSON_RPC_2)) {
			RpcParams wrong = RpcParams.positional("a", "b", "c");
			assertThat(call(anonymous, "Handler.Sum", wrong)).isEqualTo("error -32010: rpc: authentication required for Handler.Sum");
			assertThat(call(bob, "Handler.Sum", wrong)).startsWith("error -32602: ");
		}
	}

	@Test
	void aRuleNamingAServiceTheServerDoesNotHaveFailsTheStart() {
		assertThatThrownBy(() -> SecuredServices.start(List.of(MethodSecurity.class, Users.class, MisspelledRules.class)).close())
			.hasStackTraceContaining("RpcSecurityRules has a rule for service 'Admn', which this server does not have");
	}

	private static String call(RpcTemplate client, String method, Object params) {
		return outcome(client.callAsync(method, params, String.class)).join();
	}

}
