package io.hellorpc.jsonrpc.server.advice;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.server.RpcMethod;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.ExceptionDepthComparator;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ConcurrentReferenceHashMap;
import org.springframework.util.ReflectionUtils;

/**
 * The handlers of one {@link RpcAdvice} bean, by the exception types they map, and the lookup of
 * the one for an exception: the closest mapped supertype by Spring's
 * {@link ExceptionDepthComparator}, as Spring MVC's {@code ExceptionHandlerMethodResolver} finds it.
 */
final class ExceptionHandlerMethods {

	private final String beanName;

	/** The services whose calls it handles; empty: all. */
	private final Set<String> services;

	private final Map<Class<? extends Throwable>, ExceptionHandlerMethod> mappings;

	private final Map<Class<? extends Throwable>, Optional<ExceptionHandlerMethod>> resolved = new ConcurrentReferenceHashMap<>(16);

	private ExceptionHandlerMethods(String beanName, Set<String> services,
			Map<Class<? extends Throwable>, ExceptionHandlerMethod> mappings) {
		this.beanName = beanName;
		this.services = services;
		this.mappings = mappings;
	}

	/** @throws IllegalStateException naming bean and method when a handler breaks a rule */
	static ExceptionHandlerMethods of(String beanName, Object bean) {
		Class<?> type = AopProxyUtils.ultimateTargetClass(bean);
		RpcAdvice advice = AnnotatedElementUtils.findMergedAnnotation(type, RpcAdvice.class);
		Set<String> services = (advice != null) ? Set.of(advice.services()) : Set.of();
		Map<Class<? extends Throwable>, ExceptionHandlerMethod> mappings = new LinkedHashMap<>();
		Map<Class<? extends Throwable>, Method> mappedBy = new LinkedHashMap<>();
		Map<Method, RpcExceptionHandler> handlers = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<RpcExceptionHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, RpcExceptionHandler.class));
		handlers.keySet().stream().sorted((a, b) -> signature(a).compareTo(signature(b))).forEach((method) -> {
			String where = "@RpcAdvice bean '" + beanName + "' has @RpcExceptionHandler " + signature(method);
			checkShape(where, method);
			ExceptionHandlerMethod handler = new ExceptionHandlerMethod(beanName, bean, method, invocable(where, method, bean));
			for (Class<? extends Throwable> mapped : exceptionTypes(where, method, handlers.get(method))) {
				Method other = mappedBy.putIfAbsent(mapped, method);
				if (other != null) {
					throw new IllegalStateException("@RpcAdvice bean '" + beanName + "' maps " + mapped.getName() + " twice, by "
							+ signature(other) + " and " + signature(method) + ": keep one of them");
				}
				mappings.put(mapped, handler);
			}
		});
		return new ExceptionHandlerMethods(beanName, services, Map.copyOf(mappings));
	}

	String beanName() {
		return this.beanName;
	}

	boolean isEmpty() {
		return this.mappings.isEmpty();
	}

	boolean appliesTo(RpcMethod method) {
		return this.services.isEmpty() || this.services.contains(method.service());
	}

	/** The handler for exceptions of {@code type}, or {@code null}. */
	ExceptionHandlerMethod forType(Class<? extends Throwable> type) {
		return this.resolved.computeIfAbsent(type, (thrown) -> {
			List<Class<? extends Throwable>> matches = new ArrayList<>();
			for (Class<? extends Throwable> mapped : this.mappings.keySet()) {
				if (mapped.isAssignableFrom(thrown)) {
					matches.add(mapped);
				}
			}
			if (matches.isEmpty()) {
				return Optional.empty();
			}
			matches.sort(new ExceptionDepthComparator(thrown));
			return Optional.of(this.mappings.get(matches.get(0)));
		}).orElse(null);
	}

	private static void checkShape(String where, Method method) {
		Class<?> result = method.getReturnType();
		if (result != RpcError.class && result != String.class) {
			throw new IllegalStateException(where + ", which returns " + result.getSimpleName()
					+ ": a handler returns an RpcError (code, message, data) or a String (the message)");
		}
		for (Class<?> parameter : method.getParameterTypes()) {
			if (parameter != RpcMethod.class && !Throwable.class.isAssignableFrom(parameter)) {
				throw new IllegalStateException(where + ", which takes a " + parameter.getSimpleName()
						+ ": a handler takes the exception and the RpcMethod that failed, nothing else");
			}
		}
	}

	/** The types named on the annotation, else those of the method's exception parameters, as Spring MVC reads them. */
	@SuppressWarnings("unchecked")
	private static List<Class<? extends Throwable>> exceptionTypes(String where, Method method, RpcExceptionHandler annotation) {
		List<Class<? extends Throwable>> types = new ArrayList<>(Arrays.asList(annotation.value()));
		if (types.isEmpty()) {
			for (Class<?> parameter : method.getParameterTypes()) {
				if (Throwable.class.isAssignableFrom(parameter)) {
					types.add((Class<? extends Throwable>) parameter);
				}
			}
		}
		if (types.isEmpty()) {
			throw new IllegalStateException(where + ", which maps no exception type: name it, "
					+ "@RpcExceptionHandler(SomeException.class), or take the exception as a parameter");
		}
		return types;
	}

	private static Method invocable(String where, Method method, Object bean) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(where + ", which its JDK proxy does not have: declare it on an interface of "
					+ "the bean, or proxy the class (spring.aop.proxy-target-class=true)", ex);
		}
		ReflectionUtils.makeAccessible(invocable);
		return invocable;
	}

	static String signature(Method method) {
		return Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", method.getName() + "(", ")"));
	}

}
