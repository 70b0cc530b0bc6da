package io.hellorpc.jsonrpc.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Leaves a public method of an {@link RpcEndpoint} bean out of its service: no call reaches it,
 * whatever its shape. Not with {@link RpcMapping} or {@link RpcName} (start-up fails).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcIgnore {

}
