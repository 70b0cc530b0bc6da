package io.hellorpc.jsonrpc.server.advice;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Maps exceptions an endpoint method throws to the call's error, in an {@link RpcAdvice} bean:
 * <pre class="code">
 * &#64;RpcExceptionHandler
 * RpcError notFound(NoSuchElementException ex) {
 *     return new RpcError(404, "no such account", Map.of("account", ex.getMessage()));
 * }
 * </pre>
 * The method takes the exception (any {@code Throwable} type; the one thrown, or the cause of it
 * that the handler maps) and, if it likes, the {@link io.hellorpc.jsonrpc.server.RpcMethod} that
 * failed, in any order. It returns an {@link io.hellorpc.jsonrpc.protocol.RpcError} (code, message,
 * data: JSON-RPC 2.0 callers get all three, Go's dialect the message as its error string), or a
 * {@code String}: the message, with code {@code -32000}. Returning {@code null} leaves the
 * exception to the default rules. A handler that throws, or answers without a message, is logged
 * and the call answered as an internal failure. Start-up fails, naming advice bean and method,
 * when a handler maps no exception type, maps one another handler of the same bean maps, or has
 * another parameter or result type.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcExceptionHandler {

	/** The exceptions handled (subclasses included); empty (the default): the method's exception parameter's type. */
	Class<? extends Throwable>[] value() default {};

}
