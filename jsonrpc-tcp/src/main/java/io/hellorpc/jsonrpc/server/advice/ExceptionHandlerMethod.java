package io.hellorpc.jsonrpc.server.advice;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.server.RpcMethod;

/**
 * One {@link RpcExceptionHandler} method, ready to call: its arguments are the exception (the
 * first of the thrown one and its causes that fits the parameter) and the failed method.
 */
final class ExceptionHandlerMethod {

	private final String beanName;

	private final Object bean;

	/** The method as declared, for messages. */
	private final Method declared;

	/** The method to invoke on the bean (through its proxy, if any). */
	private final Method invocable;

	ExceptionHandlerMethod(String beanName, Object bean, Method declared, Method invocable) {
		this.beanName = beanName;
		this.bean = bean;
		this.declared = declared;
		this.invocable = invocable;
	}

	/**
	 * Calls the handler.
	 * @param chain the exception thrown and its causes, outermost first
	 * @return the error it maps to, or {@code null} when it returned {@code null}
	 * @throws Throwable what the handler threw
	 */
	RpcError handle(RpcMethod method, List<Throwable> chain) throws Throwable {
		Class<?>[] types = this.invocable.getParameterTypes();
		Object[] arguments = new Object[types.length];
		for (int i = 0; i < types.length; i++) {
			arguments[i] = (types[i] == RpcMethod.class) ? method : firstOfType(chain, types[i]);
		}
		Object result;
		try {
			result = this.invocable.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			throw (ex.getCause() != null) ? ex.getCause() : ex;
		}
		if (result instanceof String message) {
			return RpcError.of(RpcError.APPLICATION_ERROR, message);
		}
		return (RpcError) result;
	}

	/** {@code 'bean'.method(Type, ...)}, as start-up failures and logs name it. */
	String description() {
		return "'" + this.beanName + "'." + ExceptionHandlerMethods.signature(this.declared);
	}

	private static Object firstOfType(List<Throwable> chain, Class<?> type) {
		for (Throwable candidate : chain) {
			if (type.isInstance(candidate)) {
				return candidate;
			}
		}
		// A handler of Exception taking IOException, say, for an exception whose cause it maps: nothing fits.
		return null;
	}

}
