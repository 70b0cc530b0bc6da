package io.hellorpc.jsonrpc.server;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcErrors;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.GenericTypeResolver;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * The services a server publishes, and the lookup of {@code Service.Method}.
 * <p>
 * Registration rules, as Go's {@code net/rpc} states its own: an endpoint bean is one service,
 * named by {@link RpcEndpoint#name()} or else its simple class name. Its methods are its public
 * instance methods (those of {@link Object} aside) that take exactly one parameter and return a
 * value; each is called by its Java name with the first letter upper-cased ({@code execute} is
 * {@code Execute}), as Go exports them. An exception the method throws becomes the call's error
 * text. Start-up fails, naming bean and method, when two beans share a service name, two methods
 * of one service share a wire name, or a bean has no method that can be called.
 * <p>
 * Beans are read as Spring reads them: a proxied bean (JDK or CGLIB, say for {@code @Validated}
 * or {@code @Transactional}) is registered by its target class and called through the proxy;
 * {@code @RpcEndpoint} may sit on a meta-annotation; generic parameter types are resolved against
 * the bean class; a package-private endpoint class is callable.
 */
public final class RpcServiceRegistry {

	private final Map<String, Map<String, RpcMethod>> services;

	private RpcServiceRegistry(Map<String, Map<String, RpcMethod>> services) {
		this.services = services;
	}

	/**
	 * Registers the given endpoint beans, keyed by bean name.
	 * @throws IllegalStateException naming bean and method when a rule is broken
	 */
	public static RpcServiceRegistry of(Map<String, Object> endpointBeans, JsonRpcCodec codec) {
		Map<String, Map<String, RpcMethod>> services = new LinkedHashMap<>();
		Map<String, String> beanOfService = new LinkedHashMap<>();
		endpointBeans.forEach((beanName, bean) -> {
			Class<?> type = AopProxyUtils.ultimateTargetClass(bean);
			String service = serviceName(type);
			String other = beanOfService.putIfAbsent(service, beanName);
			if (other != null) {
				throw new IllegalStateException("RPC service name '" + service + "' is used by two @RpcEndpoint beans, '"
						+ other + "' and '" + beanName + "': set a distinct name with @RpcEndpoint(name = ...)");
			}
			services.put(service, methodsOf(beanName, bean, type, service, codec));
		});
		return new RpcServiceRegistry(Collections.unmodifiableMap(services));
	}

	/**
	 * Finds the method a call names.
	 * @throws UnknownMethodException with Go's text when there is none
	 */
	RpcMethod lookup(String serviceMethod) {
		int dot = (serviceMethod != null) ? serviceMethod.lastIndexOf('.') : -1;
		if (dot < 0) {
			throw new UnknownMethodException(RpcErrors.illFormedMethod(serviceMethod != null ? serviceMethod : ""));
		}
		Map<String, RpcMethod> methods = this.services.get(serviceMethod.substring(0, dot));
		if (methods == null) {
			throw new UnknownMethodException(RpcErrors.serviceNotFound(serviceMethod));
		}
		RpcMethod method = methods.get(serviceMethod.substring(dot + 1));
		if (method == null) {
			throw new UnknownMethodException(RpcErrors.methodNotFound(serviceMethod));
		}
		return method;
	}

	/** The registered methods, service by service, in registration order. */
	public List<RpcMethod> methods() {
		return this.services.values().stream().flatMap((methods) -> methods.values().stream()).toList();
	}

	private static String serviceName(Class<?> type) {
		String name = MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY)
			.get(RpcEndpoint.class)
			.getValue("name", String.class)
			.orElse("");
		return StringUtils.hasText(name) ? name : type.getSimpleName();
	}

	private static Map<String, RpcMethod> methodsOf(String beanName, Object bean, Class<?> type, String service,
			JsonRpcCodec codec) {
		Map<String, RpcMethod> methods = new LinkedHashMap<>();
		for (Method method : callableMethods(type)) {
			String wireName = StringUtils.capitalize(method.getName());
			Method invocable = invocable(beanName, method, bean);
			Type parameterType = GenericTypeResolver.resolveType(method.getGenericParameterTypes()[0], type);
			RpcMethod rpcMethod = new RpcMethod(service, wireName, bean, invocable, codec.type(parameterType),
					isValidated(method));
			RpcMethod other = methods.putIfAbsent(wireName, rpcMethod);
			if (other != null) {
				throw new IllegalStateException("@RpcEndpoint bean '" + beanName + "' has two methods called "
						+ service + "." + wireName + ": " + signature(other.method()) + " and " + signature(method)
						+ "; rename one of them");
			}
		}
		if (methods.isEmpty()) {
			throw new IllegalStateException("@RpcEndpoint bean '" + beanName + "' (" + type.getName()
					+ ") has no method an RPC can call: it needs a public method with one parameter and a return value");
		}
		return methods;
	}

	/** The method to invoke on the bean itself (through its proxy, if any), made accessible for a package-private class. */
	private static Method invocable(String beanName, Method method, Object bean) {
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException("@RpcEndpoint bean '" + beanName + "' is a JDK proxy whose interfaces do not have "
					+ method.getName() + ": declare it on an interface of the bean, or proxy the class (spring.aop.proxy-target-class=true)", ex);
		}
		ReflectionUtils.makeAccessible(invocable);
		return invocable;
	}

	/** Whether the param is to be validated: {@code @Valid} (or {@code @Validated}) on the parameter. */
	private static boolean isValidated(Method method) {
		MergedAnnotations annotations = MergedAnnotations.from(new MethodParameter(method, 0).getParameterAnnotations());
		return annotations.isPresent("jakarta.validation.Valid")
				|| annotations.isPresent("org.springframework.validation.annotation.Validated");
	}

	/** The methods of an endpoint class an RPC can call, by the rules above. */
	public static List<Method> callableMethods(Class<?> endpointClass) {
		return Arrays.stream(endpointClass.getMethods()).filter(RpcServiceRegistry::isCallable).toList();
	}

	private static boolean isCallable(Method method) {
		return method.getDeclaringClass() != Object.class && !Modifier.isStatic(method.getModifiers())
				&& !method.isBridge() && !method.isSynthetic() && method.getParameterCount() == 1
				&& method.getReturnType() != void.class;
	}

	private static String signature(Method method) {
		return method.getName() + "(" + method.getParameterTypes()[0].getSimpleName() + ")";
	}

}
