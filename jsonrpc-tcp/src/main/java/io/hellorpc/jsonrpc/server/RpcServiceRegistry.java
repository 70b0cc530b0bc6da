package io.hellorpc.jsonrpc.server;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;
import org.springframework.core.GenericTypeResolver;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringUtils;

/**
 * The services a server publishes, and the lookup of a call's method by its wire name.
 * <p>
 * Registration rules, as Go's {@code net/rpc} states its own: an endpoint bean is one service,
 * named by {@link RpcEndpoint#name()} or else its simple class name. Its methods are its public
 * instance methods that take exactly one parameter and return a value, except what a JDK type
 * ({@code java.*}) declares, even when the bean overrides or implements it ({@code Object}'s
 * {@code equals}, {@code Comparable}'s {@code compareTo}, {@code Function}'s {@code apply}...), and
 * bridge and synthetic methods; each is called by its Java name with the first letter upper-cased
 * ({@code execute} is {@code Execute}), as Go exports them, or by the name {@link RpcName} gives,
 * which publishes a JDK-declared method too. {@link RpcIgnore} leaves a method out. A public
 * method annotated {@link RpcMapping} is published too, whatever its parameters and result, by the
 * name it gives (its rules are there). An exception the method throws becomes the call's error
 * text. Start-up fails, naming bean and method, when two beans share a service name, two methods
 * (of any beans) share a wire name, a wire name begins {@code rpc.}, the annotations contradict
 * one another, or a bean has no method that can be called. What each service exports is logged at
 * DEBUG.
 * <p>
 * Beans are read as Spring reads them: a proxied bean (JDK or CGLIB, say for {@code @Validated}
 * or {@code @Transactional}) is registered by its target class and called through the proxy;
 * {@code @RpcEndpoint} may sit on a meta-annotation; generic parameter types are resolved against
 * the bean class; a package-private endpoint class is callable.
 */
public final class RpcServiceRegistry {

	private static final Log logger = LogFactory.getLog(RpcServiceRegistry.class);

	/** Names the JSON-RPC 2.0 specification keeps for itself. */
	private static final String RESERVED_PREFIX = "rpc.";

	private final Map<String, RpcMethod> methods;

	/** The services Go's dialect knows: those with a method it may call. */
	private final Set<String> goServices;

	/** The services JSON-RPC 2.0 knows: every endpoint's, and every {@code Service.} of a wire name. */
	private final Set<String> services;

	private RpcServiceRegistry(Map<String, RpcMethod> methods, Set<String> services) {
		this.methods = methods;
		this.services = services;
		this.goServices = methods.values()
			.stream()
			.filter(RpcMethod::goCallable)
			.map(RpcMethod::service)
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Registers the given endpoint beans, keyed by bean name.
	 * @throws IllegalStateException naming bean and method when a rule is broken
	 */
	public static RpcServiceRegistry of(Map<String, Object> endpointBeans, JsonRpcCodec codec) {
		Map<String, RpcMethod> methods = new LinkedHashMap<>();
		Map<RpcMethod, String> beanOfMethod = new IdentityHashMap<>();
		Set<String> services = new LinkedHashSet<>();
		Map<String, String> beanOfService = new LinkedHashMap<>();
		endpointBeans.forEach((beanName, bean) -> {
			Class<?> type = AopProxyUtils.ultimateTargetClass(bean);
			String service = serviceName(type);
			String other = beanOfService.putIfAbsent(service, beanName);
			if (other != null) {
				throw new IllegalStateException("RPC service name '" + service + "' is used by two @RpcEndpoint beans, '"
						+ other + "' and '" + beanName + "': set a distinct name with @RpcEndpoint(name = ...)");
			}
			services.add(service);
			List<RpcMethod> exported = methodsOf(beanName, bean, type, service, codec);
			if (logger.isDebugEnabled()) {
				logger.debug("@RpcEndpoint bean '" + beanName + "' exports " + exported.stream()
					.map((method) -> method.signature() + ((method.goCallable()) ? "" : " (JSON-RPC 2.0 only)"))
					.collect(Collectors.joining(", ")));
			}
			for (RpcMethod method : exported) {
				RpcMethod taken = methods.putIfAbsent(method.wireName(), method);
				if (taken == null) {
					beanOfMethod.put(method, beanName);
					services.add(method.service());
				}
				else if (beanOfMethod.get(taken).equals(beanName)) {
					throw new IllegalStateException("@RpcEndpoint bean '" + beanName + "' has two methods called "
							+ method.wireName() + ": " + signature(taken.method()) + " and " + signature(method.method())
							+ "; rename one of them");
				}
				else {
					throw new IllegalStateException("RPC method name '" + method.wireName() + "' is used by two methods, "
							+ signature(taken.method()) + " of @RpcEndpoint bean '" + beanOfMethod.get(taken) + "' and "
							+ signature(method.method()) + " of bean '" + beanName
							+ "': method names are global to the server; rename one with @RpcMapping(\"...\")");
				}
			}
		});
		refuseSharedTags(methods.values());
		return new RpcServiceRegistry(Collections.unmodifiableMap(methods), Collections.unmodifiableSet(services));
	}

	/**
	 * A flat name is tagged with its endpoint's service ({@code subtract} of {@code Calc}: service
	 * {@code Calc}, method {@code subtract}), so it must not meet a {@code Calc.subtract}: their
	 * metrics would be one series.
	 */
	private static void refuseSharedTags(Iterable<RpcMethod> methods) {
		Map<String, RpcMethod> byTags = new LinkedHashMap<>();
		for (RpcMethod method : methods) {
			RpcMethod other = byTags.putIfAbsent(method.service() + "." + method.name(), method);
			if (other != null) {
				throw new IllegalStateException("RPC methods '" + other.wireName() + "' (" + signature(other.method())
						+ ") and '" + method.wireName() + "' (" + signature(method.method()) + ") would share the metrics tags"
						+ " rpc.service=" + method.service() + ", rpc.method=" + method.name()
						+ ": rename one with @RpcMapping(\"...\")");
			}
		}
	}

	/**
	 * Finds the method a call in Go's dialect names.
	 * @throws UnknownMethodException with Go's text when there is none
	 */
	RpcMethod lookup(String serviceMethod) {
		return lookup(serviceMethod, RpcProtocol.GO);
	}

	/**
	 * Finds the method a call names. Go's dialect reaches only {@linkplain RpcMethod#goCallable()
	 * Go-shaped} methods, and answers any other name in Go's words; JSON-RPC 2.0 reaches every method.
	 * @throws UnknownMethodException when there is none
	 */
	RpcMethod lookup(String wireName, RpcProtocol protocol) {
		RpcMethod method = find(wireName, protocol);
		if (method != null) {
			return method;
		}
		boolean go = protocol != RpcProtocol.JSON_RPC_2;
		int dot = (wireName != null) ? wireName.lastIndexOf('.') : -1;
		if (dot < 0) {
			throw new UnknownMethodException(go ? RpcErrors.illFormedMethod(wireName != null ? wireName : "")
					: RpcErrors.methodNotFound(wireName != null ? wireName : ""));
		}
		Set<String> known = go ? this.goServices : this.services;
		if (!known.contains(wireName.substring(0, dot))) {
			throw new UnknownMethodException(RpcErrors.serviceNotFound(wireName));
		}
		throw new UnknownMethodException(RpcErrors.methodNotFound(wireName));
	}

	/** The method a call names and its dialect reaches, or {@code null} when there is none. */
	RpcMethod find(String wireName, RpcProtocol protocol) {
		RpcMethod method = (wireName != null) ? this.methods.get(wireName) : null;
		return (method != null && (protocol == RpcProtocol.JSON_RPC_2 || method.goCallable())) ? method : null;
	}

	/** The registered methods, service by service, in registration order. */
	public List<RpcMethod> methods() {
		return List.copyOf(this.methods.values());
	}

	private static String serviceName(Class<?> type) {
		String name = MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY)
			.get(RpcEndpoint.class)
			.getValue("name", String.class)
			.orElse("");
		return StringUtils.hasText(name) ? name : type.getSimpleName();
	}

	private static List<RpcMethod> methodsOf(String beanName, Object bean, Class<?> type, String service,
			JsonRpcCodec codec) {
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type)) {
			if ((!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers()))
					&& MergedAnnotations.from(method).isPresent(RpcMapping.class)) {
				throw new IllegalStateException("@RpcEndpoint bean '" + beanName + "' has @RpcMapping on " + signature(method)
						+ ", which is not a public instance method: an RPC can call only those");
			}
			checkNaming(beanName, method);
		}
		List<RpcMethod> methods = new ArrayList<>();
		for (Method method : callableMethods(type)) {
			MergedAnnotation<RpcMapping> mapping = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY)
				.get(RpcMapping.class);
			boolean mapped = mapping.isPresent();
			String given = mapped ? mapping.getString("value") : "";
			String methodName = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY)
				.get(RpcName.class)
				.getValue("value", String.class)
				.orElse(StringUtils.capitalize(method.getName()));
			String wireName = given.isEmpty() ? service + "." + methodName : given;
			if (given.startsWith(RESERVED_PREFIX)) {
				throw new IllegalStateException("@RpcEndpoint bean '" + beanName + "' maps " + signature(method)
						+ " to '" + wireName + "': names beginning 'rpc.' are reserved by the JSON-RPC 2.0 specification");
			}
			int dot = wireName.lastIndexOf('.');
			String methodService = (dot < 0) ? service : wireName.substring(0, dot);
			String name = (dot < 0) ? wireName : wireName.substring(dot + 1);
			List<RpcMethod.Param> params = new ArrayList<>();
			for (Parameter parameter : method.getParameters()) {
				if (mapped && !parameter.isNamePresent()) {
					throw new IllegalStateException("@RpcEndpoint bean '" + beanName + "' maps " + signature(method)
							+ " to '" + wireName + "', but its parameter names were not compiled in: named params bind by "
							+ "them; compile with -parameters (Spring Boot's parent POM does)");
				}
				int index = params.size();
				params.add(new RpcMethod.Param(parameter.getName(),
						resolvedType(method.getGenericParameterTypes()[index], type, codec), isValidated(method, index)));
			}
			boolean goShaped = params.size() == 1 && method.getReturnType() != void.class;
			// Go registers exported methods only: a method part beginning lower-case is not Go's to call.
			boolean goCallable = !mapped || (goShaped && dot > 0 && dot < wireName.length() - 1
					&& Character.isUpperCase(wireName.codePointAt(dot + 1)));
			methods.add(new RpcMethod(methodService, name, wireName, bean, invocable(beanName, method, bean),
					List.copyOf(params), mapped, goCallable, isNonBlocking(method, type)));
		}
		if (methods.isEmpty()) {
			throw new IllegalStateException("@RpcEndpoint bean '" + beanName + "' (" + type.getName()
					+ ") has no method an RPC can call: it needs a public method with one parameter and a return value");
		}
		return methods;
	}

	private static boolean isNonBlocking(Method method, Class<?> type) {
		return MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY).isPresent(RpcNonBlocking.class)
				|| MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).isPresent(RpcNonBlocking.class);
	}

	/** A parameter's type resolved against the bean class; a generic array ({@code T...}) too, element by element. */
	private static tools.jackson.databind.JavaType resolvedType(Type declared, Class<?> beanClass, JsonRpcCodec codec) {
		if (declared instanceof java.lang.reflect.GenericArrayType array) {
			return codec.arrayType(resolvedType(array.getGenericComponentType(), beanClass, codec));
		}
		return codec.type(GenericTypeResolver.resolveType(declared, beanClass));
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

	/** Whether a param is to be validated: {@code @Valid} (or {@code @Validated}) on the parameter. */
	private static boolean isValidated(Method method, int index) {
		MergedAnnotations annotations = MergedAnnotations.from(new MethodParameter(method, index).getParameterAnnotations());
		return annotations.isPresent("jakarta.validation.Valid")
				|| annotations.isPresent("org.springframework.validation.annotation.Validated");
	}

	/** The methods of an endpoint class an RPC can call, by the rules above. */
	public static List<Method> callableMethods(Class<?> endpointClass) {
		Set<Method> jdkDeclared = jdkDeclared(endpointClass);
		return Arrays.stream(endpointClass.getMethods())
			.filter((method) -> isCallable(method, jdkDeclared.contains(method)))
			.toList();
	}

	private static boolean isCallable(Method method, boolean jdkDeclared) {
		if (Modifier.isStatic(method.getModifiers()) || method.isBridge() || method.isSynthetic()) {
			return false;
		}
		MergedAnnotations annotations = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY);
		if (annotations.isPresent(RpcIgnore.class)) {
			return false;
		}
		if (annotations.isPresent(RpcMapping.class)) {
			return true;
		}
		return (!jdkDeclared || annotations.isPresent(RpcName.class)) && isGoShaped(method);
	}

	private static boolean isGoShaped(Method method) {
		return method.getParameterCount() == 1 && method.getReturnType() != void.class;
	}

	/**
	 * The class's methods that a JDK type declares: its own or inherited, and the bean's overrides
	 * and implementations of them ({@code equals(Object)}, {@code compareTo(T)} behind its bridge).
	 */
	private static Set<Method> jdkDeclared(Class<?> type) {
		Set<Class<?>> supertypes = new LinkedHashSet<>(ClassUtils.getAllInterfacesForClassAsSet(type));
		for (Class<?> superclass = type; superclass != null; superclass = superclass.getSuperclass()) {
			supertypes.add(superclass);
		}
		Set<Method> declared = new HashSet<>();
		for (Class<?> supertype : supertypes) {
			if (!supertype.getName().startsWith("java.")) {
				continue;
			}
			for (Method method : supertype.getMethods()) {
				if (!Modifier.isStatic(method.getModifiers())) {
					declared.add(BridgeMethodResolver.findBridgedMethod(ClassUtils.getMostSpecificMethod(method, type)));
				}
			}
		}
		return declared;
	}

	/** The rules of {@link RpcName} and {@link RpcIgnore}, each broken one failing the start. */
	private static void checkNaming(String beanName, Method method) {
		MergedAnnotations annotations = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY);
		String where = "@RpcEndpoint bean '" + beanName + "' has ";
		boolean mapped = annotations.isPresent(RpcMapping.class);
		if (annotations.isPresent(RpcIgnore.class) && (mapped || annotations.isPresent(RpcName.class))) {
			throw new IllegalStateException(where + "@RpcIgnore on " + signature(method) + ", which is also annotated "
					+ (mapped ? "@RpcMapping" : "@RpcName") + ": keep one of them");
		}
		MergedAnnotation<RpcName> name = annotations.get(RpcName.class);
		if (!name.isPresent()) {
			return;
		}
		String value = name.getString("value");
		String annotated = where + "@RpcName(\"" + value + "\") on " + signature(method);
		if (mapped) {
			throw new IllegalStateException(annotated + ", which is also annotated @RpcMapping: keep one of them");
		}
		if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers()) || !isGoShaped(method)) {
			throw new IllegalStateException(annotated + ", which is not a public instance method with one parameter and "
					+ "a result: publish other shapes with @RpcMapping");
		}
		if (value.isEmpty() || !Character.isUpperCase(value.codePointAt(0)) || value.contains(".")
				|| value.chars().anyMatch(Character::isWhitespace)) {
			throw new IllegalStateException(annotated + ": a method name begins with an upper-case letter, as Go "
					+ "exports methods, and has no dot or space");
		}
	}

	private static String signature(Method method) {
		return Arrays.stream(method.getParameterTypes())
			.map(Class::getSimpleName)
			.collect(Collectors.joining(", ", method.getName() + "(", ")"));
	}

}
