package io.hellorpc.jsonrpc.server.advice;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.stereotype.Component;

/**
 * A bean whose {@link RpcExceptionHandler} methods map the exceptions endpoint methods throw to
 * the calls' errors, as a {@code @ControllerAdvice} does for Spring MVC. Several advice beans are
 * asked in their {@link org.springframework.core.annotation.Order @Order} (or
 * {@link org.springframework.core.Ordered}); the first with a handler for the exception (or one of
 * its causes) answers, its most specific handler.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface RpcAdvice {

	/**
	 * The services (as callers name them, {@code Calc} of {@code Calc.Divide}) whose calls this
	 * advice handles; empty (the default) is every service. A flat {@code @RpcMapping} name
	 * belongs to its endpoint's service.
	 */
	String[] services() default {};

}
