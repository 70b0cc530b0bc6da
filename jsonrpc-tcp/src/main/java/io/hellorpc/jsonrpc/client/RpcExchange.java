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
 * {@code Execute}). A flat JSON-RPC 2.0 name, with no service in front ({@code subtract},
 * {@code eth_getBalance}, {@code textDocument/didOpen}), is asked for with {@link #flatName()}.
 * <p>
 * A method's parameters are the call's params. With one parameter, it is the call's one param,
 * {@code "params":[param]}, in both dialects. In JSON-RPC 2.0 a method may take any number: they go
 * by position ({@code "params":[a,b]}), or by their Java names with {@link #namedParams()}
 * ({@code "params":{"minuend":42,"subtrahend":23}}); a method without parameters sends no params.
 * Go's dialect carries exactly one param, so there a method with other than one parameter is
 * refused when the client is made. The method returns the result as {@code T} (waits),
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
	 * JSON-RPC 2.0: the wire name is the value exactly as written (or, without a value, the Java
	 * method name as it is), with no service put in front: {@code @RpcExchange(value = "subtract",
	 * flatName = true)} calls {@code subtract}, as a server's {@code @RpcMapping("subtract")}
	 * publishes it. On the interface, it holds for all its methods. Go's dialect names every method
	 * {@code Service.Method}, so there the client is refused when it is made.
	 */
	boolean flatName() default false;

	/**
	 * JSON-RPC 2.0: send the parameters by name, {@code "params":{"name":value,...}}, named as in
	 * the Java source. The names must be compiled in ({@code javac -parameters}, as Spring Boot's
	 * parent POM and Gradle plugin do); without them, or in Go's dialect, the client is refused
	 * when it is made.
	 */
	boolean namedParams() default false;

	/**
	 * The method is safe to run twice (it reads, or sets rather than adds): a call whose
	 * connection dies before the reply is sent again to another server, within its deadline,
	 * {@code rpc.client.retry.max-attempts} and the retry budget. Without it, such a call fails.
	 */
	boolean idempotent() default false;

}
