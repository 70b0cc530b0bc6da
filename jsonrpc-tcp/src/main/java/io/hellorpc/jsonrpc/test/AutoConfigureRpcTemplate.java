package io.hellorpc.jsonrpc.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.context.PropertyMapping;

/**
 * On a {@code @SpringBootTest} class: the JSON-RPC listener starts on a free port ({@code
 * rpc.server.port=0} unless {@link #port()} says otherwise) and an {@code RpcTemplate} bean named
 * {@value RpcTemplateTestAutoConfiguration#BEAN_NAME} calls it, as Boot's
 * {@code @AutoConfigureTestRestTemplate} gives a {@code TestRestTemplate} for the web server. The
 * template is made by the application's {@code RpcTemplateBuilder} ({@code rpc.client.*},
 * customizers) and finds the listener when it first calls, so it may be injected anywhere in the
 * test. Inject it as {@code RpcOperations} or {@code RpcTemplate}; where the application has a
 * template bean of its own, by the bean name.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@PropertyMapping("rpc.server")
public @interface AutoConfigureRpcTemplate {

	/** The listener's port, {@code rpc.server.port}: {@code 0} (the default) picks a free one. */
	int port() default 0;

}
