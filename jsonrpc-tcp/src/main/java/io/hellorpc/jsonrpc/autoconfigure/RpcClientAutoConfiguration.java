package io.hellorpc.jsonrpc.autoconfigure;

import io.hellorpc.jsonrpc.client.RpcClientGroups;
import io.hellorpc.jsonrpc.client.RpcClientProperties;
import io.hellorpc.jsonrpc.client.RpcClientResources;
import io.hellorpc.jsonrpc.client.RpcServiceDiscovery;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.client.RpcTemplateCustomizer;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Scope;
import org.springframework.core.env.Environment;

/**
 * An {@link RpcTemplateBuilder} set from {@code rpc.client.*}, with the shared codec, the
 * application's I/O threads ({@link RpcClientResources}) and observation registry, and every
 * {@link RpcTemplateCustomizer} bean applied: a prototype, as Boot's {@code RestClient.Builder},
 * so that each injection point changes a builder of its own.
 */
@AutoConfiguration(after = { JsonRpcAutoConfiguration.class, SslAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@EnableConfigurationProperties(RpcClientProperties.class)
public class RpcClientAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	public RpcClientResources rpcClientResources(RpcClientProperties properties) {
		return new RpcClientResources(properties.ioThreads(), properties.transport());
	}

	@Bean
	@Scope("prototype")
	@ConditionalOnMissingBean
	public RpcTemplateBuilder rpcTemplateBuilder(RpcClientProperties properties, JsonRpcCodec codec,
			RpcClientResources resources, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<RpcTemplateCustomizer> customizers, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<RpcServiceDiscovery> discovery) {
		RpcTemplateBuilder builder = new RpcTemplateBuilder().properties(properties)
			.ssl(ClientSslBundles.resolve("rpc.client.ssl.bundle", properties.ssl().bundle(), sslBundles),
					properties.ssl().serverName())
			.resources(resources)
			.codec(codec)
			.observationRegistry(observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP));
		if (properties.serviceId() != null && !properties.serviceId().isBlank()) {
			builder.addresses(RpcClientGroups.discoveryName(properties.serviceId()), RpcClientGroups
				.resolverFor(discovery.getIfAvailable(), "rpc.client.service-id", properties.serviceId()));
		}
		customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder;
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	public RpcClientGroups rpcClientGroups(ObjectProvider<RpcTemplateBuilder> builders, Environment environment,
			ObjectProvider<SslBundles> sslBundles, RpcClientResources resources,
			ObjectProvider<RpcServiceDiscovery> discovery) {
		// resources is a parameter for the order alone: the groups' templates close before their I/O threads stop.
		return new RpcClientGroups(builders::getObject, environment,
				(property, name) -> ClientSslBundles.resolve(property, name, sslBundles), discovery.getIfAvailable());
	}

}
