package io.hellorpc.jsonrpc.autoconfigure;

import io.hellorpc.jsonrpc.client.RpcServiceDiscovery;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.context.annotation.Bean;

/**
 * With Spring Cloud on the class path and a {@link DiscoveryClient} bean (its composite of every
 * registry's, or the simple one from {@code spring.cloud.discovery.client.simple.instances.*}), an
 * {@link RpcServiceDiscovery} backed by it: {@code rpc.client.<group>.service-id} then names the
 * service whose instances that group's templates call, each instance's metadata {@code rpc-port}
 * overriding its port. Ordered after Spring Cloud's discovery auto-configurations, whose
 * {@code DiscoveryClient} beans it needs to see.
 */
@AutoConfiguration(before = RpcClientAutoConfiguration.class,
		afterName = { "org.springframework.cloud.client.discovery.composite.CompositeDiscoveryClientAutoConfiguration",
				"org.springframework.cloud.client.discovery.simple.SimpleDiscoveryClientAutoConfiguration",
				"org.springframework.cloud.client.CommonsClientAutoConfiguration" })
@ConditionalOnClass(DiscoveryClient.class)
public class RpcDiscoveryAutoConfiguration {

	@Bean
	@ConditionalOnBean(DiscoveryClient.class)
	@ConditionalOnMissingBean
	public RpcServiceDiscovery rpcServiceDiscovery(DiscoveryClient discoveryClient) {
		return (serviceId) -> new DiscoveryRpcAddressResolver(discoveryClient, serviceId);
	}

}
