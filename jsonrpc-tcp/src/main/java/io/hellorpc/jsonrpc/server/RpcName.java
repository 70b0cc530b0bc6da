package io.hellorpc.jsonrpc.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a method of an {@link RpcEndpoint} bean another method name within its service, Go's
 * rules kept: {@code @RpcName("Run") public Result execute(Job job)} is {@code Jobs.Run}, not
 * {@code Jobs.Execute}. It also publishes a method the rules of {@link RpcServiceRegistry} leave
 * out because a JDK type declares it ({@code Function.apply}, say). The name begins with an
 * upper-case letter, as Go exports methods, and has no dot or space; the method must have one
 * parameter and a result. For another shape or a whole wire name of its own, use {@link RpcMapping}
 * (not both: start-up fails).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcName {

	/** The method part of {@code Service.Method}. */
	String value();

}
