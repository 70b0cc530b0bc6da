package io.hellorpc.jsonrpc.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.stereotype.Component;

/**
 * Publishes a bean as an RPC service, as Go's {@code rpc.Register} does. The rules are in
 * {@link RpcServiceRegistry}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Component
public @interface RpcEndpoint {

	/**
	 * The service name callers use before the dot in {@code Service.Method}; defaults to the
	 * simple class name, as in Go. Setting it is Go's {@code rpc.RegisterName}.
	 */
	String name() default "";

}
