package io.hellorpc.jsonrpc.autoconfigure;

import java.lang.reflect.Method;
import java.util.concurrent.CompletionStage;

import io.hellorpc.jsonrpc.client.ImportRpcServices;
import io.hellorpc.jsonrpc.client.RpcExchange;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;
import io.hellorpc.jsonrpc.server.advice.RpcAdvice;
import io.hellorpc.jsonrpc.server.advice.RpcExceptionHandler;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;

/**
 * What a native image needs to know ahead of time: the endpoint methods invoked by reflection and
 * the types their params and results are read and written as, the {@code @RpcExceptionHandler}
 * methods of {@code @RpcAdvice} beans, and for each {@code @RpcExchange}
 * interface its JDK proxy and the same binding types. Registered in {@code META-INF/spring/aot.factories}.
 */
final class RpcRuntimeHints implements BeanFactoryInitializationAotProcessor {

	private static final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
		return (generationContext, code) -> register(generationContext.getRuntimeHints(), beanFactory);
	}

	/** Registers the hints of every endpoint and {@code @RpcExchange} client bean of the factory. */
	static void register(RuntimeHints hints, ConfigurableListableBeanFactory beanFactory) {
		for (String name : beanFactory.getBeanDefinitionNames()) {
			BeanDefinition definition = beanFactory.getMergedBeanDefinition(name);
			ResolvableType resolvable = definition.getResolvableType();
			if (definition.hasAttribute(ImportRpcServices.GROUP_ATTRIBUTE)) {
				// An imported client: a factory bean of the interface.
				resolvable = resolvable.as(FactoryBean.class).getGeneric(0);
			}
			Class<?> type = resolvable.resolve();
			if (type == null) {
				continue;
			}
			type = ClassUtils.getUserClass(type);
			if (MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).isPresent(RpcEndpoint.class)) {
				registerEndpoint(hints, type);
			}
			else if (MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).isPresent(RpcAdvice.class)) {
				registerAdvice(hints, type);
			}
			else if (type.isInterface() && (definition.hasAttribute(ImportRpcServices.GROUP_ATTRIBUTE) || isExchange(type))) {
				registerExchange(hints, type);
			}
		}
	}

	static void registerEndpoint(RuntimeHints hints, Class<?> endpointClass) {
		for (Method method : RpcServiceRegistry.callableMethods(endpointClass)) {
			hints.reflection().registerMethod(method, ExecutableMode.INVOKE);
			java.lang.reflect.Type[] types = new java.lang.reflect.Type[method.getParameterCount() + 1];
			for (int i = 0; i < method.getParameterCount(); i++) {
				types[i] = ResolvableType.forMethodParameter(method, i, endpointClass).getType();
			}
			types[types.length - 1] = valueType(method, endpointClass);
			bindings.registerReflectionHints(hints.reflection(), types);
		}
	}

	static void registerAdvice(RuntimeHints hints, Class<?> adviceClass) {
		MethodIntrospector
			.selectMethods(adviceClass,
					(Method method) -> MergedAnnotations.from(method).isPresent(RpcExceptionHandler.class))
			.forEach((method) -> hints.reflection().registerMethod(method, ExecutableMode.INVOKE));
	}

	static void registerExchange(RuntimeHints hints, Class<?> exchangeInterface) {
		hints.proxies().registerJdkProxy(exchangeInterface);
		for (Method method : exchangeInterface.getMethods()) {
			if (!method.isDefault() && method.getParameterCount() == 1) {
				bindings.registerReflectionHints(hints.reflection(),
						ResolvableType.forMethodParameter(method, 0, exchangeInterface).getType(),
						valueType(method, exchangeInterface));
			}
		}
	}

	private static boolean isExchange(Class<?> type) {
		if (MergedAnnotations.from(type).isPresent(RpcExchange.class)) {
			return true;
		}
		for (Method method : type.getMethods()) {
			if (MergedAnnotations.from(method).isPresent(RpcExchange.class)) {
				return true;
			}
		}
		return false;
	}

	/** The result type, or the value type of a {@code CompletableFuture<T>} result. */
	private static java.lang.reflect.Type valueType(Method method, Class<?> owner) {
		ResolvableType returned = ResolvableType.forMethodReturnType(method, owner);
		Class<?> raw = returned.resolve();
		// The declared argument (CompletableFuture<List<Line>>: List<Line>), not as() of the supertype, whose getType() is its variable.
		return (raw != null && CompletionStage.class.isAssignableFrom(raw)) ? returned.getGeneric(0).getType()
				: returned.getType();
	}

}
