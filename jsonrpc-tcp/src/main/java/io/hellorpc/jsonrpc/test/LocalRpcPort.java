package io.hellorpc.jsonrpc.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Value;

/**
 * Injects the port the JSON-RPC listener bound ({@code local.rpc.port}, published when it starts),
 * as Boot's {@code @LocalServerPort} injects the web server's: {@code @LocalRpcPort int port} in a
 * {@code @SpringBootTest} that sets {@code rpc.server.port=0} (as
 * {@link AutoConfigureRpcTemplate @AutoConfigureRpcTemplate} does). The listener starts with the
 * context, so a test instance's fields see it; a bean made during start-up does not.
 */
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Value("${local.rpc.port}")
public @interface LocalRpcPort {

}
