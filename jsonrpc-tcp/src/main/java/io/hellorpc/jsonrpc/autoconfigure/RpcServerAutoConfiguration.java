package io.hellorpc.jsonrpc.autoconfigure;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.server.NettyRpcServer;
import io.hellorpc.jsonrpc.server.RpcDispatcher;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcServerActivity;
import io.hellorpc.jsonrpc.server.RpcServerLifecycle;
import io.hellorpc.jsonrpc.server.RpcServerProperties;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The JSON-RPC server, when the application has {@link RpcEndpoint @RpcEndpoint} beans. Calls
 * run on Boot's {@code applicationTaskExecutor}, so {@code spring.task.execution.*} sizes it and
 * {@code spring.threads.virtual.enabled=true} (Java 21+) runs them on virtual threads.
 */
@AutoConfiguration(after = { JsonRpcAutoConfiguration.class, TaskExecutionAutoConfiguration.class, SslAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBean(annotation = RpcEndpoint.class)
@ConditionalOnBooleanProperty(name = "rpc.server.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RpcServerProperties.class)
public class RpcServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public RpcServiceRegistry rpcServiceRegistry(ApplicationContext context, JsonRpcCodec codec) {
		return RpcServiceRegistry.of(context.getBeansWithAnnotation(RpcEndpoint.class), codec);
	}

	@Bean
	@ConditionalOnMissingBean
	public RpcServerActivity rpcServerActivity(ObjectProvider<MeterRegistry> meterRegistry) {
		// Without a registry the meters go to an empty composite, which records nothing.
		return new RpcServerActivity(meterRegistry.getIfAvailable(CompositeMeterRegistry::new));
	}

	@Bean
	@ConditionalOnMissingBean
	public RpcDispatcher rpcDispatcher(RpcServiceRegistry registry, JsonRpcCodec codec,
			ObjectProvider<ObservationRegistry> observationRegistry, RpcServerActivity activity) {
		return new RpcDispatcher(registry, codec, observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP),
				activity);
	}

	@Bean
	@ConditionalOnMissingBean
	public NettyRpcServer nettyRpcServer(RpcServerProperties properties, JsonRpcCodec codec, RpcDispatcher dispatcher,
			@Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME) ObjectProvider<Executor> executor,
			RpcServerActivity activity, ObjectProvider<SslBundles> sslBundles) {
		Executor callExecutor = (properties.callThreads() == RpcServerProperties.CallThreads.EVENT_LOOP)
				? Runnable::run : executor.getIfAvailable(Executors::newCachedThreadPool);
		return new NettyRpcServer(properties, codec, dispatcher, callExecutor, activity, sslBundles.getIfAvailable());
	}

	@Bean
	@ConditionalOnMissingBean
	public RpcServerLifecycle rpcServerLifecycle(NettyRpcServer server, ConfigurableEnvironment environment,
			ApplicationEventPublisher events) {
		return new RpcServerLifecycle(server, environment, events);
	}

}
