package io.hellorpc.jsonrpc.autoconfigure;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration;
import org.springframework.cloud.commons.util.UtilAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code rpc.client.<group>.service-id}: the instances Spring Cloud's {@link DiscoveryClient} lists,
 * proven with its {@code SimpleDiscoveryClient} bound from {@code spring.cloud.discovery.client.simple.*}.
 */
class RpcDiscoveryTests {

	/** Spring Cloud's own discovery auto-configurations, as an application with spring-cloud-commons has them. */
	private final ApplicationContextRunner discovery = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(UtilAutoConfiguration.class, CompositeDiscoveryClientAutoConfiguration.class,
				SimpleDiscoveryClientAutoConfiguration.class));

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

	private static List<InetSocketAddress> resolve(DiscoveryClient client, String serviceId) {
		return new DiscoveryRpcAddressResolver(client, serviceId).resolve();
	}

}
