package io.hellorpc.jsonrpc.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Publishes a method of an {@link RpcEndpoint} bean under a wire name of its own, with the
 * parameters JSON-RPC 2.0 allows: none, several, varargs, and a {@code void} result (answered
 * {@code "result":null}, and nothing to a notification).
 * <p>
 * {@code @RpcMapping("subtract") int subtract(int minuend, int subtrahend)} is called by
 * {@code {"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}} or with named params
 * {@code {"subtrahend":23,"minuend":42}}. Positional params bind in order, a varargs last
 * parameter taking the values left; named params bind by Java parameter name, so the code must be
 * compiled with {@code -parameters} (Spring Boot's parent POM does; start-up fails otherwise). A
 * missing, extra or mistyped param is answered {@code -32602} naming the parameter; a
 * {@link java.util.Optional} parameter may be absent. A method whose one parameter is an object
 * (a record, a bean, a {@code Map}) takes a named-params object as that parameter itself.
 * <p>
 * Go's dialect keeps Go's rules: it reaches only a method with exactly one parameter and a
 * result, whose wire name is {@code Service.Method}; any other name is answered there as Go
 * answers a method it does not have. Wire names are global to the server: start-up fails when
 * two methods (of any beans) have one, or when a name begins {@code rpc.} (reserved by the
 * JSON-RPC 2.0 specification). A method without {@code @RpcMapping} is published by the rules of
 * {@link RpcServiceRegistry}, unchanged.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcMapping {

	/**
	 * The method's wire name, any string but one beginning {@code rpc.}; empty (the default) is
	 * Go's {@code Service.Method}, the service's name, a dot and the Java name with its first
	 * letter upper-cased.
	 */
	String value() default "";

}
