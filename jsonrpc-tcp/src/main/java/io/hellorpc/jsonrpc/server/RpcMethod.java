package io.hellorpc.jsonrpc.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.Collectors;

import tools.jackson.databind.JavaType;

/**
 * One callable method of a service, by its wire name.
 *
 * @param service the service name: for a {@code Service.Method} wire name what comes before the
 * last dot, for a flat name ({@code subtract}) the name of the endpoint's service
 * @param name the method's name within the service: after the last dot, or the whole flat name
 * @param wireName the name calls use: {@code Service.Method}, or any name given by {@link RpcMapping}
 * @param bean the endpoint bean (or its proxy)
 * @param method the method, invocable on {@code bean}
 * @param params the method's parameters, types resolved against the bean class
 * @param mapped whether the method is published by {@link RpcMapping} (its params bind by
 * JSON-RPC 2.0's rules) rather than by Go's one-parameter rule
 * @param goCallable whether Go's dialect may call it: one parameter, a result, a {@code Service.Method} name
 * @param nonBlocking whether it is declared {@link RpcNonBlocking}, so that its calls may run on the event loop
 */
public record RpcMethod(String service, String name, String wireName, Object bean, Method method, List<Param> params,
		boolean mapped, boolean goCallable, boolean nonBlocking) {

	/**
	 * One parameter of the method.
	 *
	 * @param name its Java name ({@code arg0} when compiled without {@code -parameters})
	 * @param type its type, resolved against the bean class (for a varargs parameter, the array type)
	 * @param validated whether its value is validated ({@code @Valid} on it) before the call
	 */
	public record Param(String name, JavaType type, boolean validated) {
	}

	/** The wire name. */
	public String fullName() {
		return this.wireName;
	}

	/** The type the one param of a Go-shaped method is converted to, or {@code null} when the method has not one parameter. */
	public JavaType parameterType() {
		return (this.params.size() == 1) ? this.params.get(0).type() : null;
	}

	/** Whether the last parameter is varargs. */
	public boolean varargs() {
		return this.method.isVarArgs();
	}

	/** Whether the method returns nothing (answered {@code "result":null}). */
	public boolean returnsVoid() {
		return this.method.getReturnType() == void.class;
	}

	/**
	 * The method as callers read it in errors, by parameter names only ({@code subtract(minuend,
	 * subtrahend)}, {@code join(separator, parts...)}): no reply names a Java type.
	 */
	public String signature() {
		int last = this.params.size() - 1;
		StringBuilder text = new StringBuilder(this.wireName).append('(');
		for (int i = 0; i <= last; i++) {
			text.append((i > 0) ? ", " : "").append(this.params.get(i).name()).append((i == last && varargs()) ? "..." : "");
		}
		return text.append(')').toString();
	}

	/** Invokes the method with one argument per parameter; what it throws (exception or error) is thrown as is, not wrapped. */
	Object invoke(Object[] arguments) throws Exception {
		try {
			return this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			if (ex.getCause() instanceof Exception cause) {
				throw cause;
			}
			if (ex.getCause() instanceof Error cause) {
				throw cause;
			}
			throw ex;
		}
	}

}
