package io.hellorpc.jsonrpc.security;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.security.SecuredServices.Admin;
import io.hellorpc.jsonrpc.security.SecuredServices.Job;
import io.hellorpc.jsonrpc.security.SecuredServices.MethodSecurity;
import io.hellorpc.jsonrpc.security.SecuredServices.Users;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;

import static io.hellorpc.jsonrpc.security.RpcSecurityTests.outcome;
import static io.hellorpc.jsonrpc.security.SecuredServices.certificates;
import static org.assertj.core.api.Assertions.assertThat;

/** An {@link RpcAuthenticationConverter} bean replaces the certificate rule: here, a token member of the call's params. */
class RpcAuthenticationConverterTests {

	/** What a caller with a token sends. */
	record TokenJob(String target, String token) {
	}

	/** {@code alice-token} is alice (ROLE_ADMIN); no token is anonymous; any other token is refused. */
	static final class Tokens implements RpcAuthenticationConverter {

		final List<String> seen = new CopyOnWriteArrayList<>();

		@Override
		public Authentication convert(RpcCaller caller) {
			this.seen.add(caller.certificates().stream().map(X509Certificate::getSubjectX500Principal).toList() + " from "
					+ caller.remoteAddress());
			JsonNode params = (caller.request().params() != null) ? caller.request().params().asTree() : null;
			JsonNode job = (params != null && params.isArray()) ? params.get(0) : params;
			JsonNode token = (job == null) ? null : (job.has("token") ? job.get("token") : job.get("Token"));
			if (token == null || token.isNull()) {
				return null;
			}
			if (token.asString().equals("unchecked-admin")) {
				// A token nobody vouched for, with the authorities it claims.
				return UsernamePasswordAuthenticationToken.unauthenticated("mallory", null);
			}
			if (token.asString().equals("alice-token")) {
				return UsernamePasswordAuthenticationToken.authenticated("alice", null,
						AuthorityUtils.createAuthorityList("ROLE_ADMIN"));
			}
			throw new BadCredentialsException("unknown token");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TokenConverter {

		@Bean
		Tokens tokens() {
			return new Tokens();
		}

	}

	@Test
	void theConverterDecidesWhoCallsGivenTheCallAndItsConnectionsCertificates() {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class, Users.class, TokenConverter.class));
				RpcTemplate bob = SecuredServices.client(server, certificates.bob(), RpcProtocol.JSON_RPC_2);
				RpcTemplate anonymous = SecuredServices.client(server, null, RpcProtocol.GO)) {
			// bob's certificate, alice's token: the converter, not the certificate, says who calls
			assertThat(bob.call("Admin.Purge", new TokenJob("x", "alice-token"), String.class)).isEqualTo("purged x by alice");
			assertThat(server.bean(Tokens.class).seen.get(0)).matches("\\[CN=bob\\] from /127\\.0\\.0\\.1:\\d+");
			assertThat(anonymous.call("Admin.Purge", new TokenJob("y", "alice-token"), String.class)).isEqualTo("purged y by alice");
			assertThat(server.bean(Tokens.class).seen.get(1)).matches("\\[\\] from /127\\.0\\.0\\.1:\\d+");
			// no token: anonymous
			assertThat(outcome(bob.callAsync("Admin.Purge", new Job("z"), String.class)).join())
				.isEqualTo("error -32010: rpc: authentication required for Admin.Purge");
			assertThat(anonymous.call("Admin.WhoAmI", new Job("me"), String.class)).startsWith("anonymousUser on ");
			assertThat(server.bean(Admin.class).runs()).isEqualTo(2);
		}
	}

	@Test
	void credentialsTheConverterRefusesAreAnsweredAuthenticationRequiredEvenForAnUnguardedMethod() {
		try (RunningServer server = SecuredServices.start(List.of(MethodSecurity.class, Users.class, TokenConverter.class));
				RpcTemplate bob = SecuredServices.client(server, certificates.bob(), RpcProtocol.JSON_RPC_2);
				RpcTemplate go = SecuredServices.client(server, null, RpcProtocol.GO)) {
			assertThat(outcome(bob.callAsync("Admin.WhoAmI", new TokenJob("me", "forged"), String.class)).join())
				.isEqualTo("error -32010: rpc: authentication required for Admin.WhoAmI");
			assertThat(outcome(go.callAsync("Admin.WhoAmI", new TokenJob("me", "forged"), String.class)).join())
				.isEqualTo("error: rpc: authentication required for Admin.WhoAmI");
			// An Authentication the converter returns unauthenticated is no caller, whatever it holds.
			assertThat(outcome(bob.callAsync("Admin.WhoAmI", new TokenJob("me", "unchecked-admin"), String.class)).join())
				.isEqualTo("error -32010: rpc: authentication required for Admin.WhoAmI");
			assertThat(server.bean(Admin.class).runs()).isZero();
		}
	}

}
