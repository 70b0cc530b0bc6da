package io.hellorpc.jsonrpc.autoconfigure;

import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;
import io.hellorpc.jsonrpc.server.openrpc.OpenRpcDocument;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The JSON-RPC server's health indicator ({@code rpc}) and actuator endpoint ({@code /actuator/rpc}). */
@AutoConfiguration(after = { RpcServerAutoConfiguration.class, OpenRpcAutoConfiguration.class })
@ConditionalOnBean(RpcServer.class)
public class RpcActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("rpc")
	static class HealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "rpcHealthIndicator")
		RpcServerHealthIndicator rpcHealthIndicator(RpcServer server) {
			return new RpcServerHealthIndicator(server);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(Endpoint.class)
	@ConditionalOnAvailableEndpoint(RpcServicesEndpoint.class)
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RpcServicesEndpoint rpcServicesEndpoint(RpcServiceRegistry registry, ObjectProvider<OpenRpcDocument> discovery) {
			return new RpcServicesEndpoint(registry, discovery.getIfAvailable());
		}

	}

}
