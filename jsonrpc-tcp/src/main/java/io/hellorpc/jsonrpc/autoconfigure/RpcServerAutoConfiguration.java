package io.hellorpc.jsonrpc.autoconfigure;

import java.util.concurrent.Executor;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.server.NettyRpcServerFactory;
import io.hellorpc.jsonrpc.server.RpcCallInterceptor;
import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.server.RpcServerFactory;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcParamValidator;
import io.hellorpc.jsonrpc.server.RpcServerActivity;
import io.hellorpc.jsonrpc.server.RpcServerCustomizer;
import io.hellorpc.jsonrpc.server.RpcServerLifecycle;
import io.hellorpc.jsonrpc.server.RpcServerProperties;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;
import io.hellorpc.jsonrpc.server.advice.RpcAdvice;
import io.hellorpc.jsonrpc.server.advice.RpcExceptionHandlers;
import io.hellorpc.jsonrpc.server.openrpc.OpenRpcDocument;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The JSON-RPC server, when the application has {@link RpcEndpoint @RpcEndpoint} beans. Calls
 * run on Boot's {@code applicationTaskExecutor}, so {@code spring.task.execution.*} sizes it and
 * {@code spring.threads.virtual.enabled=true} (Java 21+) runs them on virtual threads.
 */
@AutoConfiguration(after = { JsonRpcAutoConfiguration.class, TaskExecutionAutoConfiguration.class, SslAutoConfiguration.class },
		afterName = { "org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
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

	/** The {@code @RpcExceptionHandler}s of the application's {@link RpcAdvice @RpcAdvice} beans. */
	@Bean
	@ConditionalOnMissingBean
	public RpcExceptionHandlers rpcExceptionHandlers(ApplicationContext context) {
		return RpcExceptionHandlers.of(context.getBeansWithAnnotation(RpcAdvice.class));
	}

	@Bean
	@ConditionalOnMissingBean
	public RpcServerActivity rpcServerActivity(ObjectProvider<MeterRegistry> meterRegistry) {
		// Without a registry the meters go to an empty composite, which records nothing.
		return new RpcServerActivity(meterRegistry.getIfAvailable(CompositeMeterRegistry::new));
	}

	/** Bean Validation of {@code @Valid} params, when the application has a validator. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jakarta.validation.Validator")
	static class BeanValidationConfiguration {

		@Bean
		@ConditionalOnMissingBean(RpcParamValidator.class)
		@ConditionalOnBean(jakarta.validation.Validator.class)
		RpcParamValidator rpcParamValidator(jakarta.validation.Validator validator) {
			return new BeanValidationParams(validator);
		}

	}

	@Bean
	@ConditionalOnMissingBean
	public RpcServerFactory rpcServerFactory(RpcServerProperties properties, JsonRpcCodec codec,
			RpcServiceRegistry registry,
			@Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME) ObjectProvider<Executor> executor,
			RpcServerActivity activity, ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<RpcParamValidator> validator, ObjectProvider<SslBundles> sslBundles,
			ObjectProvider<RpcServerCustomizer> customizers, ApplicationEventPublisher events,
			ObjectProvider<RpcExceptionHandlers> exceptionHandlers, ObjectProvider<RpcCallInterceptor> interceptors,
			ObjectProvider<OpenRpcDocument> discovery) {
		// Without Boot's applicationTaskExecutor (an application that defines its own Executor makes
		// Boot back off), null: the server runs calls on a pool of its own and shuts it down on stop.
		Executor callExecutor = (properties.callThreads() == RpcServerProperties.CallThreads.EVENT_LOOP)
				? Runnable::run : executor.getIfAvailable();
		OpenRpcDocument document = discovery.getIfAvailable();
		return new NettyRpcServerFactory(properties, codec, registry, callExecutor, activity,
				observationRegistry.getIfAvailable(() -> ObservationRegistry.NOOP),
				validator.getIfAvailable(() -> RpcParamValidator.NONE), sslBundles.getIfAvailable(),
				customizers.orderedStream().toList(), events,
				exceptionHandlers.getIfAvailable(() -> RpcExceptionHandlers.NONE), interceptors.orderedStream().toList(),
				(document != null) ? document.json() : null);
	}

	@Bean
	@ConditionalOnMissingBean
	public RpcServer rpcServer(RpcServerFactory factory) {
		return factory.createServer();
	}

	@Bean
	@ConditionalOnMissingBean
	public RpcServerLifecycle rpcServerLifecycle(RpcServer server, ConfigurableEnvironment environment,
			ApplicationEventPublisher events) {
		return new RpcServerLifecycle(server, environment, events);
	}

	/** Readiness follows memory pressure: REFUSING_TRAFFIC while under it, so that a load balancer sends traffic elsewhere. */
	@Bean
	static MemoryPressureReadiness rpcMemoryPressureReadiness(ApplicationEventPublisher events) {
		return new MemoryPressureReadiness(events);
	}

}
