package io.hellorpc.jsonrpc.autoconfigure;

import java.time.Duration;

import io.hellorpc.jsonrpc.client.ImportRpcServices;
import io.hellorpc.jsonrpc.client.RpcClientGroups;
import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcExchange;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.client.RpcTemplateCustomizer;
import io.hellorpc.jsonrpc.client.RpcTimeoutException;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.support.RefusingPort;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The auto-configured {@link RpcTemplateBuilder}'s shape: customizers change it in place, each
 * injection point gets a builder of its own, and group names that cannot work fail the start.
 */
class RpcClientBuilderShapeTests {

	private static RunningServer server;

	private final ApplicationContextRunner contexts = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JsonRpcAutoConfiguration.class, SslAutoConfiguration.class,
				RpcClientAutoConfiguration.class))
		.withPropertyValues("rpc.client.host=127.0.0.1");

	@BeforeAll
	static void start() {
		server = RunningServer.start();
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@RpcExchange("Handler")
	interface Greeter {

		Response execute(Request request);

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		/** Sets the builder it is given, as a {@code RestClientCustomizer} does: nothing is returned. */
		@Bean
		RpcTemplateCustomizer shortDeadline() {
			return (builder) -> builder.timeout(Duration.ofMillis(1234));
		}

		@Bean
		RpcTemplateCustomizer jsonRpc2() {
			return (builder) -> {
				builder.protocol(RpcProtocol.JSON_RPC_2);
			};
		}

	}

	@Test
	void aCustomizerChangesTheInjectedBuilderInPlace() {
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		this.contexts.withUserConfiguration(Customizers.class)
			.withPropertyValues("rpc.client.port=" + server.port(), "rpc.client.timeout=1m")
			.run((context) -> {
				try (RpcTemplate rpc = context.getBean(RpcTemplateBuilder.class).build()) {
					// Held by the server until the test opens its gate: only the 1234 ms deadline can end it.
					assertThatExceptionOfType(RpcTimeoutException.class)
						.isThrownBy(() -> rpc.call("Gate.Hold", "customized", String.class))
						.withMessage("Gate.Hold to 127.0.0.1:" + server.port() + " got no reply within 1234 ms");
					assertThat(rpc.protocol()).isEqualTo(RpcProtocol.JSON_RPC_2);
				}
				finally {
					gates.open("customized");
				}
			});
	}

	/** Two beans, each with the builder injected into it. */
	@Configuration(proxyBeanMethods = false)
	static class TwoUsers {

		@Bean
		BuilderUser first(RpcTemplateBuilder builder) {
			return new BuilderUser(builder);
		}

		@Bean
		BuilderUser second(RpcTemplateBuilder builder) {
			return new BuilderUser(builder);
		}

	}

	record BuilderUser(RpcTemplateBuilder builder) {
	}

	@Test
	void everyInjectionPointGetsABuilderOfItsOwnAndChangingOneLeavesTheOthers() {
		try (RefusingPort closed = new RefusingPort()) {
			this.contexts.withUserConfiguration(TwoUsers.class).withPropertyValues("rpc.client.port=" + server.port()).run((context) -> {
				RpcTemplateBuilder first = context.getBean("first", BuilderUser.class).builder();
				RpcTemplateBuilder second = context.getBean("second", BuilderUser.class).builder();
				assertThat(first).isNotSameAs(second);
				assertThat(context.getBean(RpcTemplateBuilder.class)).isNotSameAs(context.getBean(RpcTemplateBuilder.class))
					.isNotSameAs(first);
				first.address("127.0.0.1", closed.port());
				try (RpcTemplate changed = first.build(); RpcTemplate other = second.build()) {
					assertThat(changed.address()).isEqualTo("127.0.0.1:" + closed.port());
					assertThatExceptionOfType(RpcConnectionException.class)
						.isThrownBy(() -> changed.call("Handler.Execute", new Request("x"), Response.class))
						.withMessageContaining("127.0.0.1:" + closed.port());
					// The other builder still has rpc.client.*'s address.
					assertThat(other.address()).isEqualTo("127.0.0.1:" + server.port());
					assertThat(other.call("Handler.Execute", new Request("other"), Response.class))
						.isEqualTo(new Response("Hello other"));
				}
				// A clone is independent of the builder it was made from, both ways.
				RpcTemplateBuilder copy = second.clone().address("127.0.0.1", closed.port());
				try (RpcTemplate fromCopy = copy.build(); RpcTemplate fromOriginal = second.build()) {
					assertThat(fromCopy.address()).isEqualTo("127.0.0.1:" + closed.port());
					assertThat(fromOriginal.address()).isEqualTo("127.0.0.1:" + server.port());
				}
			});
		}
	}

	/** An application's own builder, a singleton as most beans are: the groups must not change it. */
	@Configuration(proxyBeanMethods = false)
	static class SingletonBuilder {

		@Bean
		RpcTemplateBuilder rpcTemplateBuilder() {
			return new RpcTemplateBuilder().address("127.0.0.1", server.port());
		}

	}

	@Test
	void groupsBuiltFromAnApplicationsSingletonBuilderDoNotLeakTheirSettingsIntoEachOther() {
		try (RefusingPort closed = new RefusingPort()) {
			this.contexts.withUserConfiguration(SingletonBuilder.class)
				.withPropertyValues("rpc.client.billing.port=" + closed.port(), "rpc.client.billing.timeout=1234ms")
				.run((context) -> {
					RpcClientGroups groups = context.getBean(RpcClientGroups.class);
					assertThat(groups.template("billing").address()).isEqualTo("127.0.0.1:" + closed.port());
					assertThat(groups.template("default").address()).isEqualTo("127.0.0.1:" + server.port());
					assertThat(groups.template("default").call("Handler.Execute", new Request("d"), Response.class))
						.isEqualTo(new Response("Hello d"));
					assertThat(context.getBean(RpcTemplateBuilder.class).build().address())
						.isEqualTo("127.0.0.1:" + server.port());
				});
		}
	}

	@Test
	void theGroupsTemplatesCloseBeforeTheirIoThreadsStop() {
		this.contexts.withUserConfiguration(DefaultGroup.class).withPropertyValues("rpc.client.port=" + server.port()).run((context) -> {
			assertThat(context.getBean(Greeter.class).execute(new Request("closing"))).isEqualTo(new Response("Hello closing"));
			// A dependency of the groups' bean: destroyed after it, so its templates close on live I/O threads.
			assertThat(context.getBeanFactory().getDependenciesForBean("rpcClientGroups")).contains("rpcClientResources");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@ImportRpcServices(group = "Bad Name", types = Greeter.class)
	static class BadlyNamedGroup {

	}

	@Configuration(proxyBeanMethods = false)
	@ImportRpcServices(group = "max-pending-calls", types = Greeter.class)
	static class GroupNamedLikeAClientProperty {

	}

	@Test
	void aGroupNameThatIsNotLowerCaseLettersDigitsAndDashesFailsTheStartNamingIt() {
		this.contexts.withUserConfiguration(BadlyNamedGroup.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("'Bad Name'");
		});
	}

	@Test
	void aGroupNamedMaxPendingCallsFailsTheStartNamingIt() {
		this.contexts.withUserConfiguration(GroupNamedLikeAClientProperty.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
				.isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("'max-pending-calls'");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@ImportRpcServices(types = Greeter.class)
	static class DefaultGroup {

	}

	@Test
	void rpcClientDefaultPropertiesFailTheStartSayingTheDefaultGroupIsConfiguredByRpcClient() {
		this.contexts.withUserConfiguration(DefaultGroup.class)
			.withPropertyValues("rpc.client.port=" + server.port(), "rpc.client.default.host=elsewhere.invalid")
			.run((context) -> {
				assertFailedSayingTheDefaultGroupIsRpcClient(context);
			});
		// Without any imported client too: the property is read by nothing, so it is refused rather than ignored.
		this.contexts.withPropertyValues("rpc.client.port=" + server.port(), "rpc.client.default.port=1")
			.run((context) -> {
				assertFailedSayingTheDefaultGroupIsRpcClient(context);
			});
	}

	private static void assertFailedSayingTheDefaultGroupIsRpcClient(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		assertThat(NestedExceptionUtils.getMostSpecificCause(context.getStartupFailure()))
			.isInstanceOf(IllegalStateException.class)
			.hasMessageContaining("rpc.client.default")
			.hasMessageContaining("rpc.client.*");
	}

}
