package io.hellorpc.jsonrpc.server.advice;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.server.RpcMethod;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.annotation.AnnotationAwareOrderComparator;

/**
 * Every {@link RpcAdvice} bean's {@link RpcExceptionHandler}s, asked in order when an endpoint
 * method fails. As Spring MVC resolves {@code @ExceptionHandler}s: the advice beans in their
 * {@code @Order}; the first that applies to the call's service and maps the exception, or else one
 * of its causes (outermost first), answers with its closest handler (the mapped type nearest the
 * thrown one in its class hierarchy). Auto-configured from the application's advice beans.
 */
public final class RpcExceptionHandlers {

	/** No advice: every failure keeps the default rules. */
	public static final RpcExceptionHandlers NONE = new RpcExceptionHandlers(List.of());

	private static final Log logger = LogFactory.getLog(RpcExceptionHandlers.class);

	/** How many causes down an exception is looked at: a cause chain may loop. */
	private static final int MAX_CAUSES = 32;

	private final List<ExceptionHandlerMethods> advice;

	private RpcExceptionHandlers(List<ExceptionHandlerMethods> advice) {
		this.advice = advice;
	}

	/**
	 * The handlers of the given advice beans (keyed by bean name), ordered by their
	 * {@code @Order} or {@code Ordered}.
	 * @throws IllegalStateException naming bean and method when a handler breaks a rule of
	 * {@link RpcExceptionHandler}
	 */
	public static RpcExceptionHandlers of(Map<String, Object> adviceBeans) {
		List<Object> beans = new ArrayList<>(adviceBeans.values());
		AnnotationAwareOrderComparator.sort(beans);
		Map<Object, String> names = new IdentityHashMap<>();
		adviceBeans.forEach((name, bean) -> names.put(bean, name));
		List<ExceptionHandlerMethods> advice = new ArrayList<>();
		for (Object bean : beans) {
			ExceptionHandlerMethods handlers = ExceptionHandlerMethods.of(names.get(bean), bean);
			if (!handlers.isEmpty()) {
				advice.add(handlers);
			}
		}
		return new RpcExceptionHandlers(List.copyOf(advice));
	}

	/**
	 * The error a handler maps the method's failure to; {@code null} when no handler maps it (or
	 * the one that does returns {@code null}): the default rules then apply. A handler that throws,
	 * or returns an error without a message, is logged and answered as an internal failure.
	 */
	public RpcError handle(RpcMethod method, Throwable failure) {
		if (this.advice.isEmpty()) {
			return null;
		}
		List<Throwable> chain = causes(failure);
		for (ExceptionHandlerMethods handlers : this.advice) {
			if (!handlers.appliesTo(method)) {
				continue;
			}
			for (Throwable thrown : chain) {
				ExceptionHandlerMethod handler = handlers.forType(thrown.getClass());
				if (handler != null) {
					return call(handler, method, failure, chain);
				}
			}
		}
		return null;
	}

	/** The names of the advice beans with handlers, in the order they are asked. */
	public List<String> adviceBeanNames() {
		return this.advice.stream().map(ExceptionHandlerMethods::beanName).toList();
	}

	private static RpcError call(ExceptionHandlerMethod handler, RpcMethod method, Throwable failure,
			List<Throwable> chain) {
		RpcError error;
		try {
			error = handler.handle(method, chain);
		}
		catch (Throwable ex) {
			logger.warn("Exception handler " + handler.description() + " failed handling " + failure + " of call "
					+ method.fullName(), ex);
			return internalFailure(method);
		}
		if (error != null && (error.message() == null || error.message().isEmpty())) {
			logger.warn("Exception handler " + handler.description() + " answered " + failure + " of call "
					+ method.fullName() + " without a message");
			return internalFailure(method);
		}
		if (error != null && logger.isDebugEnabled()) {
			logger.debug("Call " + method.fullName() + " failed; " + handler.description() + " answered code "
					+ error.code(), failure);
		}
		return error;
	}

	private static RpcError internalFailure(RpcMethod method) {
		return RpcError.of(RpcError.INTERNAL_ERROR, RpcErrors.failedInternally(method.fullName()));
	}

	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable cause = failure; cause != null && chain.size() < MAX_CAUSES && seen.add(cause);
				cause = cause.getCause()) {
			chain.add(cause);
		}
		return chain;
	}

}
