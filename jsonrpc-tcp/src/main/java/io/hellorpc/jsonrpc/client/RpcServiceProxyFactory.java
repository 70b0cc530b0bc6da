package io.hellorpc.jsonrpc.client;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Makes clients of {@link RpcExchange @RpcExchange} interfaces that call through an
 * {@link RpcOperations} (an {@link RpcTemplate}, or a test double), as Spring's
 * {@code HttpServiceProxyFactory} does over a {@code RestClient}:
 * <pre class="code">
 * Greeter greeter = RpcServiceProxyFactory.of(rpcTemplate).createClient(Greeter.class);
 * Response response = greeter.execute(new Request("ciro"));
 * </pre>
 * Each interface is checked when its client is made: a method that does not fit (other than one
 * parameter in Go's dialect, named params without compiled-in names, a raw {@code CompletableFuture},
 * a notification that is not {@code void} or in Go's dialect) fails there with a sentence naming it, not on its first call. The template is not closed with the clients; its owner closes it.
 */
public final class RpcServiceProxyFactory {

	private final RpcOperations template;

	private RpcServiceProxyFactory(RpcOperations template) {
		this.template = template;
	}

	public static RpcServiceProxyFactory of(RpcOperations template) {
		Assert.notNull(template, "template must not be null");
		return new RpcServiceProxyFactory(template);
	}

	/** A client of {@code serviceType}, an interface whose methods are calls. */
	public <S> S createClient(Class<S> serviceType) {
		Assert.isTrue(serviceType.isInterface(), () -> serviceType.getName() + " is not an interface");
		Map<Method, Exchange> exchanges = new ConcurrentHashMap<>();
		Set<String> idempotent = new HashSet<>();
		for (Method method : serviceType.getMethods()) {
			if (!method.isDefault() && !java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
				Exchange exchange = Exchange.of(serviceType, method, this.template.protocol());
				exchanges.put(method, exchange);
				if (MergedAnnotations.from(method).get(RpcExchange.class).getValue("idempotent", Boolean.class).orElse(false)) {
					idempotent.add(exchange.wireName());
				}
			}
		}
		// A test double has no retries: idempotent methods mean something to a real template only.
		RpcOperations calling = (!idempotent.isEmpty() && this.template instanceof RpcTemplate rpcTemplate)
				? rpcTemplate.withIdempotentMethods(idempotent) : this.template;
		InvocationHandler handler = new ExchangeInvocationHandler(serviceType, calling, exchanges);
		return serviceType.cast(Proxy.newProxyInstance(serviceType.getClassLoader(), new Class<?>[] { serviceType }, handler));
	}

	/** The wire name a method of an {@code @RpcExchange} interface calls. */
	static String wireName(Class<?> serviceType, Method method) {
		String declared = MergedAnnotations.from(method).get(RpcExchange.class).getValue("value", String.class).orElse("");
		if (isFlat(serviceType, method)) {
			return StringUtils.hasText(declared) ? declared : method.getName();
		}
		if (declared.contains(".")) {
			return declared;
		}
		String service = MergedAnnotations.from(serviceType).get(RpcExchange.class).getValue("value", String.class).orElse("");
		return (StringUtils.hasText(service) ? service : serviceType.getSimpleName()) + "."
				+ (StringUtils.hasText(declared) ? declared : StringUtils.capitalize(method.getName()));
	}

	/** {@link RpcExchange#flatName()} on the method or on its interface. */
	static boolean isFlat(Class<?> serviceType, Method method) {
		return MergedAnnotations.from(method).get(RpcExchange.class).getValue("flatName", Boolean.class).orElse(false)
				|| MergedAnnotations.from(serviceType).get(RpcExchange.class).getValue("flatName", Boolean.class).orElse(false);
	}

	/** How one method calls: its wire name, the result type, and whether it waits. */
	record Exchange(String wireName, Kind kind, ParameterizedTypeReference<Object> resultType, Params params) {

		/** How the arguments become the call's params: the one param as it is, by position, or by name. */
		record Params(boolean single, String[] names) {

			Object of(Object[] args) {
				if (this.single) {
					return args[0];
				}
				Object[] values = (args != null) ? args : new Object[0];
				if (this.names == null) {
					return (values.length == 0) ? RpcParams.none() : RpcParams.positional(values);
				}
				Map<String, Object> named = new java.util.LinkedHashMap<>();
				for (int i = 0; i < values.length; i++) {
					named.put(this.names[i], values[i]);
				}
				return RpcParams.named(named);
			}

		}

		enum Kind {

			BLOCKING, FUTURE, VOID, NOTIFICATION

		}

		static Exchange of(Class<?> serviceType, Method method, RpcProtocol protocol) {
			String where = serviceType.getSimpleName() + "." + method.getName();
			boolean notification = MergedAnnotations.from(method)
				.get(RpcExchange.class)
				.getValue("notification", Boolean.class)
				.orElse(false);
			boolean named = MergedAnnotations.from(method)
				.get(RpcExchange.class)
				.getValue("namedParams", Boolean.class)
				.orElse(false);
			if (protocol != RpcProtocol.JSON_RPC_2 && isFlat(serviceType, method)) {
				throw new IllegalStateException("@RpcExchange(flatName = true) method " + where + " calls '"
						+ RpcServiceProxyFactory.wireName(serviceType, method) + "', which needs JSON-RPC 2.0: Go's net/rpc dialect names every method"
						+ " Service.Method (rpc.client.protocol=json-rpc-2)");
			}
			Params params = params(method, where, named, protocol);
			ResolvableType returned = ResolvableType.forMethodReturnType(method, serviceType);
			boolean isVoid = returned.resolve() == void.class || returned.resolve() == Void.class;
			if (notification) {
				if (!isVoid) {
					throw new IllegalStateException("@RpcExchange(notification = true) method " + where
							+ " returns " + returned + ": a notification is never answered, so it must return void");
				}
				if (protocol != RpcProtocol.JSON_RPC_2) {
					throw new IllegalStateException("@RpcExchange(notification = true) method " + where
							+ " needs JSON-RPC 2.0: Go's net/rpc dialect has no notifications (rpc.client.protocol=json-rpc-2)");
				}
				return new Exchange(RpcServiceProxyFactory.wireName(serviceType, method), Kind.NOTIFICATION, null, params);
			}
			if (isVoid) {
				return new Exchange(RpcServiceProxyFactory.wireName(serviceType, method), Kind.VOID, null, params);
			}
			if (returned.resolve() == CompletableFuture.class || returned.resolve() == java.util.concurrent.CompletionStage.class) {
				ResolvableType value = returned.getGeneric(0);
				if (value.resolve() == null) {
					throw new IllegalStateException("@RpcExchange method " + where
							+ " returns a CompletableFuture without its value type: declare CompletableFuture<T>");
				}
				return new Exchange(RpcServiceProxyFactory.wireName(serviceType, method), Kind.FUTURE, typeOf(value.getType()),
						params);
			}
			return new Exchange(RpcServiceProxyFactory.wireName(serviceType, method), Kind.BLOCKING, typeOf(returned.getType()),
					params);
		}

		private static Params params(Method method, String where, boolean named, RpcProtocol protocol) {
			int count = method.getParameterCount();
			if (protocol != RpcProtocol.JSON_RPC_2) {
				if (count != 1) {
					throw new IllegalStateException("@RpcExchange method " + where + " has " + count
							+ " parameters: a request of Go's net/rpc dialect carries exactly one param (wrap several in a record,"
							+ " or call in JSON-RPC 2.0: rpc.client.protocol=json-rpc-2)");
				}
				if (named) {
					throw new IllegalStateException("@RpcExchange(namedParams = true) method " + where
							+ " needs JSON-RPC 2.0: Go's net/rpc dialect has no named params (rpc.client.protocol=json-rpc-2)");
				}
				return new Params(true, null);
			}
			if (!named) {
				return new Params(count == 1, null);
			}
			String[] names = new String[count];
			for (int i = 0; i < count; i++) {
				java.lang.reflect.Parameter parameter = method.getParameters()[i];
				if (!parameter.isNamePresent()) {
					throw new IllegalStateException("@RpcExchange(namedParams = true) method " + where
							+ " has no parameter names in its class file: compile with javac -parameters (as Spring Boot's parent POM does)");
				}
				names[i] = parameter.getName();
			}
			return new Params(false, names);
		}

		private static ParameterizedTypeReference<Object> typeOf(Type type) {
			return ParameterizedTypeReference.forType(type);
		}

	}

	private record ExchangeInvocationHandler(Class<?> serviceType, RpcOperations template,
			Map<Method, Exchange> exchanges) implements InvocationHandler {

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			Exchange exchange = this.exchanges.get(method);
			if (exchange != null) {
				return switch (exchange.kind()) {
					case BLOCKING -> this.template.call(exchange.wireName(), exchange.params().of(args), exchange.resultType());
					case FUTURE -> this.template.callAsync(exchange.wireName(), exchange.params().of(args), exchange.resultType());
					case VOID -> {
						this.template.call(exchange.wireName(), exchange.params().of(args), Object.class);
						yield null;
					}
					case NOTIFICATION -> {
						this.template.sendNotification(exchange.wireName(), exchange.params().of(args));
						yield null;
					}
				};
			}
			if (method.isDefault()) {
				// A private lookup in the interface, so that a package-private interface's default method runs too.
				return MethodHandles.privateLookupIn(method.getDeclaringClass(), MethodHandles.lookup())
					.unreflectSpecial(method, method.getDeclaringClass())
					.bindTo(proxy)
					.invokeWithArguments(args);
			}
			return switch (method.getName()) {
				case "equals" -> proxy == args[0];
				case "hashCode" -> System.identityHashCode(proxy);
				case "toString" -> "RPC client of " + this.serviceType.getName() + " calling " + this.template.address();
				default -> throw new IllegalStateException("not an @RpcExchange method: " + method);
			};
		}

	}

}
