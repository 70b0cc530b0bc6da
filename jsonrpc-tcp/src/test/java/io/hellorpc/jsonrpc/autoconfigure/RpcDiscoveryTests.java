package io.hellorpc.jsonrpc.autoconfigure;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.hellorpc.jsonrpc.client.ImportRpcServices;
import io.hellorpc.jsonrpc.client.RpcClientGroups;
import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcExchange;
import io.hellorpc.jsonrpc.client.RpcServiceDiscovery;
import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.support.RefusingPort;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * {@code rpc.client.service-id} and {@code rpc.client.<group>.service-id}: a group's template calls
 * the instances Spring Cloud's {@link DiscoveryClient} lists, proven with its
 * {@code SimpleDiscoveryClient} bound from {@code spring.cloud.discovery.client.simple.*} and real
 * servers on loopback, each of which remembers the calls it served.
 */
class RpcDiscoveryTests {

	private static final String SIMPLE = "spring.cloud.discovery.client.simple.instances.";

	/** What a group's template fails with when it names a service id and the application has no {@link RpcServiceDiscovery}. */
	private static final String NO_DISCOVERY = "rpc.client.hello.service-id is hello-server, but the application has no"
			+ " RpcServiceDiscovery bean to find its instances: add Spring Cloud (a DiscoveryClient) or declare one,"
			+ " or set a host instead";

	/** Spring Cloud's own discovery auto-configurations, as an application with spring-cloud-commons has them. */
	private final ApplicationContextRunner discovery = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(UtilAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
				SimpleDiscoveryClientAutoConfiguration.class));

	/**
	 * An application with spring-cloud-commons: Spring Cloud's discovery auto-configurations and ours,
	 * ours listed first so that only their declared order puts it after the discovery clients.
	 */
	private final ApplicationContextRunner clients = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(RpcDiscoveryAutoConfiguration.class, JsonRpcAutoConfiguration.class, SslAutoConfiguration.class,
				RpcClientAutoConfiguration.class, UtilAutoConfiguration.class,
				CompositeDiscoveryClientAutoConfiguration.class, SimpleDiscoveryClientAutoConfiguration.class));

	/** {@link TestServices.Handler#note}, which each server remembers. */
	@RpcExchange("Handler")
	interface HelloNotes {

		String note(String text);

	}

	@RpcExchange("Handler")
	interface DefaultNotes {

		String note(String text);

	}

	@Configuration(proxyBeanMethods = false)
	@ImportRpcServices(group = "hello", types = HelloNotes.class)
	@ImportRpcServices(types = DefaultNotes.class)
	static class Clients {

	}

	/** A registry whose instances the test changes, as a real one's change when replicas come and go. */
	static final class ChangingDiscoveryClient implements DiscoveryClient {

		final AtomicReference<List<ServiceInstance>> instances = new AtomicReference<>(List.of());

		void set(RunningServer... servers) {
			List<ServiceInstance> list = new ArrayList<>();
			for (RunningServer server : servers) {
				list.add(new DefaultServiceInstance("hello-server-" + server.port(), "hello-server", "127.0.0.1",
						server.port(), false));
			}
			this.instances.set(List.copyOf(list));
		}

		@Override
		public String description() {
			return "the test's registry";
		}

		@Override
		public List<ServiceInstance> getInstances(String serviceId) {
			return serviceId.equals("hello-server") ? this.instances.get() : List.of();
		}

		@Override
		public List<String> getServices() {
			return List.of("hello-server");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Changing {

		@Bean
		ChangingDiscoveryClient changingDiscoveryClient() {
			return new ChangingDiscoveryClient();
		}

	}

	@Test
	void resolverListsEveryInstanceOfTheServiceUnresolvedWithItsPort() {
		this.discovery
			.withPropertyValues("spring.cloud.discovery.client.simple.instances.hello-server[0].uri=tcp://127.0.0.2:4711",
					"spring.cloud.discovery.client.simple.instances.hello-server[1].host=replica-b.example",
					"spring.cloud.discovery.client.simple.instances.hello-server[1].port=4712",
					"spring.cloud.discovery.client.simple.instances.other[0].uri=tcp://127.0.0.9:4799")
			.run((context) -> {
				List<InetSocketAddress> addresses = resolve(context.getBean(DiscoveryClient.class), "hello-server");
				assertThat(addresses).extracting(InetSocketAddress::getHostString, InetSocketAddress::getPort)
					.containsExactly(tuple("127.0.0.2", 4711), tuple("replica-b.example", 4712));
				// Not looked up here: a name is resolved when the template connects to it.
				assertThat(addresses).allMatch(InetSocketAddress::isUnresolved);
			});
	}

	@Test
	void metadataRpcPortOverridesTheInstancesPort() {
		this.discovery
			.withPropertyValues("spring.cloud.discovery.client.simple.instances.hello-server[0].uri=http://127.0.0.2:8080",
					"spring.cloud.discovery.client.simple.instances.hello-server[0].metadata.rpc-port=4711",
					"spring.cloud.discovery.client.simple.instances.hello-server[1].uri=tcp://127.0.0.3:4712")
			.run((context) -> assertThat(resolve(context.getBean(DiscoveryClient.class), "hello-server"))
				.extracting(InetSocketAddress::getHostString, InetSocketAddress::getPort)
				.containsExactly(tuple("127.0.0.2", 4711), tuple("127.0.0.3", 4712)));
	}

	@Test
	void anInstanceWithoutAUsablePortIsLeftOutAndTheOthersAreListed() {
		this.discovery
			.withPropertyValues("spring.cloud.discovery.client.simple.instances.hello-server[0].uri=tcp://127.0.0.2:4711",
					"spring.cloud.discovery.client.simple.instances.hello-server[0].metadata.rpc-port=grpc",
					// a URI without a port: -1
					"spring.cloud.discovery.client.simple.instances.hello-server[1].uri=tcp://127.0.0.3",
					"spring.cloud.discovery.client.simple.instances.hello-server[2].uri=tcp://127.0.0.4:4713")
			.run((context) -> assertThat(resolve(context.getBean(DiscoveryClient.class), "hello-server"))
				.extracting(InetSocketAddress::getHostString, InetSocketAddress::getPort)
				.containsExactly(tuple("127.0.0.4", 4713)));
	}

	@Test
	void aServiceIdTheDiscoveryClientDoesNotKnowHasNoAddresses() {
		this.discovery
			.withPropertyValues("spring.cloud.discovery.client.simple.instances.hello-server[0].uri=tcp://127.0.0.2:4711")
			.run((context) -> assertThat(resolve(context.getBean(DiscoveryClient.class), "hello-srever")).isEmpty());
	}

	@Test
	void callsThroughAGroupWithAServiceIdReachEveryInstanceTheDiscoveryClientLists() {
		try (RunningServer a = RunningServer.start(); RunningServer b = RunningServer.start();
				RunningServer c = RunningServer.start()) {
			this.clients.withUserConfiguration(Clients.class)
				.withPropertyValues(instances(a, b, c))
				.withPropertyValues("rpc.client.hello.service-id=hello-server")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context.getBean(RpcClientGroups.class).template("hello").address())
						.isEqualTo("discovery:hello-server");
					HelloNotes hello = context.getBean(HelloNotes.class);
					// Bounded in count; each call is answered before the next.
					int calls = 0;
					while (calls < 300 && !(served(a) > 0 && served(b) > 0 && served(c) > 0)) {
						assertThat(hello.note("n" + calls)).isEqualTo("n" + calls);
						calls++;
					}
					assertThat(List.of(served(a), served(b), served(c))).as("calls served by each of the 3 instances")
						.allMatch((served) -> served > 0);
					assertThat(served(a) + served(b) + served(c)).isEqualTo(calls);
				});
		}
	}

	@Test
	void theDefaultGroupsServiceIdCallsTheMetadataRpcPortInPlaceOfTheInstancesPort() {
		// The registered port refuses; only the metadata's rpc-port serves.
		try (RunningServer server = RunningServer.start(); RefusingPort httpPort = new RefusingPort()) {
			this.clients.withUserConfiguration(Clients.class)
				.withPropertyValues(SIMPLE + "hello-server[0].host=127.0.0.1",
						SIMPLE + "hello-server[0].port=" + httpPort.port(),
						SIMPLE + "hello-server[0].metadata.rpc-port=" + server.port(),
						"rpc.client.service-id=hello-server", "rpc.client.timeout=10s")
				.run((context) -> {
					DefaultNotes notes = context.getBean(DefaultNotes.class);
					for (int i = 0; i < 5; i++) {
						assertThat(notes.note("m" + i)).isEqualTo("m" + i);
					}
					assertThat(served(server)).isEqualTo(5);
				});
		}
	}

	@Test
	void aGroupsTemplateFollowsTheDiscoveryClientAsInstancesComeAndGo() {
		try (RunningServer a = RunningServer.start(); RunningServer b = RunningServer.start()) {
			this.clients.withUserConfiguration(Clients.class, Changing.class)
				.withPropertyValues("rpc.client.hello.service-id=hello-server", "rpc.client.hello.resolve-interval=100ms")
				.run((context) -> {
					ChangingDiscoveryClient registry = context.getBean(ChangingDiscoveryClient.class);
					HelloNotes hello = context.getBean(HelloNotes.class);
					registry.set(a);
					for (int i = 0; i < 10; i++) {
						hello.note("only-a");
					}
					assertThat(served(a)).isEqualTo(10);
					assertThat(served(b)).isZero();

					// b registers: the next resolution adds it, and calls reach it.
					registry.set(a, b);
					AtomicInteger calls = new AtomicInteger();
					await().until(() -> {
						hello.note("a-and-b-" + calls.incrementAndGet());
						return served(b) > 0;
					});

					// a leaves the registry: its connection drains and the client closes it; then b serves every call.
					registry.set(b);
					await().until(() -> a.bean(RpcServer.class).activity().openConnections() == 0);
					int servedByA = served(a);
					int servedByB = served(b);
					for (int i = 0; i < 10; i++) {
						hello.note("only-b");
					}
					assertThat(served(a)).isEqualTo(servedByA);
					assertThat(served(b)).isEqualTo(servedByB + 10);
				});
		}
	}

	@Test
	void aServiceIdWithNoInstancesFailsTheCallAtItsDeadlineNamingTheService() {
		this.clients.withUserConfiguration(Clients.class)
			.withPropertyValues("rpc.client.hello.service-id=hello-srever", "rpc.client.hello.timeout=300ms")
			.run((context) -> assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> context.getBean(HelloNotes.class).note("lost"))
				.withMessage("cannot reach discovery:hello-srever within 300 ms: no address found for it"));
	}

	@Test
	void anRpcServiceDiscoveryOfTheApplicationsOwnIsUsedInPlaceOfSpringClouds() {
		try (RunningServer server = RunningServer.start(); RefusingPort refusing = new RefusingPort()) {
			this.clients.withUserConfiguration(Clients.class)
				.withBean(RpcServiceDiscovery.class,
						() -> (serviceId) -> () -> List.of(InetSocketAddress.createUnresolved("127.0.0.1", server.port())))
				// Spring Cloud's instance refuses: reached only if its discovery were used.
				.withPropertyValues(SIMPLE + "hello-server[0].uri=tcp://127.0.0.1:" + refusing.port(),
						"rpc.client.hello.service-id=hello-server", "rpc.client.hello.timeout=10s")
				.run((context) -> {
					assertThat(context).hasSingleBean(RpcServiceDiscovery.class);
					assertThat(context.getBean(HelloNotes.class).note("own")).isEqualTo("own");
					assertThat(served(server)).isEqualTo(1);
				});
		}
	}

	@Test
	void withoutSpringCloudOnTheClassPathTheDiscoveryAutoConfigurationBacksOff() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RpcDiscoveryAutoConfiguration.class, JsonRpcAutoConfiguration.class,
					SslAutoConfiguration.class, RpcClientAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.cloud"))
			.withUserConfiguration(Clients.class)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(RpcServiceDiscovery.class);
				assertThat(ConditionEvaluationReport.get(context.getBeanFactory())
					.getConditionAndOutcomesBySource()
					.get(RpcDiscoveryAutoConfiguration.class.getName())).singleElement()
					.satisfies((outcome) -> assertThat(outcome.getOutcome().getMessage())
						.isEqualTo("@ConditionalOnClass did not find required class"
								+ " 'org.springframework.cloud.client.discovery.DiscoveryClient'"));
				assertThat(context.getBean(RpcClientGroups.class).template("hello").address()).isEqualTo("localhost:1337");
			});
	}

	@Test
	void aServiceIdWithoutSpringCloudFailsTheStartSayingWhatIsMissing() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RpcDiscoveryAutoConfiguration.class, JsonRpcAutoConfiguration.class,
					SslAutoConfiguration.class, RpcClientAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.cloud"))
			.withUserConfiguration(Clients.class)
			.withPropertyValues("rpc.client.hello.service-id=hello-server")
			// It would fail on first use: the start fails instead, with the sentence.
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessage(NO_DISCOVERY));
	}

	@Test
	void withSpringCloudButNoDiscoveryClientBeanAServiceIdFailsTheStartSayingSo() {
		// spring-cloud-commons on the class path, none of its discovery auto-configurations run.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RpcDiscoveryAutoConfiguration.class, JsonRpcAutoConfiguration.class,
					SslAutoConfiguration.class, RpcClientAutoConfiguration.class))
			.withUserConfiguration(Clients.class)
			.withPropertyValues("rpc.client.hello.service-id=hello-server")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(IllegalStateException.class)
				.hasMessage(NO_DISCOVERY));
	}

	/** The simple discovery client's instances of {@code hello-server}: the servers, in order. */
	private static String[] instances(RunningServer... servers) {
		List<String> properties = new ArrayList<>();
		for (int i = 0; i < servers.length; i++) {
			properties.add(SIMPLE + "hello-server[" + i + "].uri=tcp://127.0.0.1:" + servers[i].port());
		}
		return properties.toArray(String[]::new);
	}

	/** How many calls the server has served. */
	private static int served(RunningServer server) {
		return server.bean(TestServices.Handler.class).notes().size();
	}

	private static List<InetSocketAddress> resolve(DiscoveryClient client, String serviceId) {
		return new DiscoveryRpcAddressResolver(client, serviceId).resolve();
	}

}
