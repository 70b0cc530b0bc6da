package io.hellorpc.jsonrpc.server;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import tools.jackson.databind.JavaType;

/**
 * One callable method of a service: {@code Service.Method} on the wire.
 *
 * @param service the service name
 * @param name the method's wire name
 * @param bean the endpoint bean (or its proxy)
 * @param method the method, invocable on {@code bean}
 * @param parameterType the type the call's single param is converted to, resolved against the bean class
 * @param validated whether the param is validated ({@code @Valid} on the parameter) before the call
 */
public record RpcMethod(String service, String name, Object bean, Method method, JavaType parameterType,
		boolean validated) {

	public String fullName() {
		return this.service + "." + this.name;
	}

	/** Invokes the method; what it throws (exception or error) is thrown as is, not wrapped. */
	Object invoke(Object argument) throws Exception {
		try {
			return this.method.invoke(this.bean, argument);
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
