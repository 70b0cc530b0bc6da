package io.hellorpc.jsonrpc.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a JSON-RPC call on an interface method, as Spring's {@code @HttpExchange} declares an
 * HTTP one; {@link RpcServiceProxyFactory} (or {@code @ImportRpcServices}) makes the client.
 * <p>
 * On a method, the value is the wire name: {@code "Handler.Execute"}, or just {@code "Execute"}
 * with the service taken from the interface. On the interface, the value is the service name for
 * all its methods. Without a value, names follow Go's convention: the service is the interface's
 * simple name, the method its Java name with the first letter upper-cased ({@code execute} is
 * {@code Execute}).
 * <p>
 * A method takes one parameter, the call's param, and returns the result as {@code T} (waits),
 * {@code CompletableFuture<T>} (does not), or {@code void}: a call that waits for its reply, drops
 * the result and throws the error, the same in both dialects. A JSON-RPC 2.0 notification (no
 * reply, so no error ever known) is asked for explicitly, with {@link #notification()}.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcExchange {

	/** The method's wire name ({@code Service.Method} or {@code Method}), or on a type the service name. */
	String value() default "";

	/**
	 * On a {@code void} method: send a JSON-RPC 2.0 notification, which the server runs and never
	 * answers. The client cannot be made for Go's dialect, which has no notifications.
	 */
	boolean notification() default false;

	/**
	 * The method is safe to run twice (it reads, or sets rather than adds): a call whose
	 * connection dies before the reply is sent again to another server, within its deadline,
	 * {@code rpc.client.retry.max-attempts} and the retry budget. Without it, such a call fails.
	 */
	boolean idempotent() default false;

}
