package io.hellorpc.jsonrpc.client;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;

/**
 * Registers a bean for each {@link RpcExchange @RpcExchange} interface listed (or found under the
 * packages given), calling through the template of its group, as Spring's
 * {@code @ImportHttpServices} does for HTTP service clients:
 * <pre class="code">
 * &#64;ImportRpcServices(types = Greeter.class)                      // rpc.client.*
 * &#64;ImportRpcServices(group = "billing", types = Invoices.class)  // rpc.client.billing.* over rpc.client.*
 * </pre>
 * A group's template is built from the auto-configured {@link RpcTemplateBuilder} (so
 * {@code rpc.client.*} and every {@link RpcTemplateCustomizer} apply), then its own
 * {@code rpc.client.<group>.host}, {@code port}, {@code connect-timeout}, {@code timeout},
 * {@code max-message-size}, {@code protocol}, {@code ssl.bundle} and {@code ssl.server-name}.
 * The templates are {@link RpcClientGroups} beans' to close.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(ImportRpcServices.Container.class)
@Import(RpcServicesRegistrar.class)
public @interface ImportRpcServices {

	/** The bean definition attribute that holds the group of an imported client. */
	String GROUP_ATTRIBUTE = "rpc.client.group";

	/** The group; {@value RpcClientGroups#DEFAULT_GROUP} is configured by {@code rpc.client.*} alone. */
	String group() default RpcClientGroups.DEFAULT_GROUP;

	/** The {@code @RpcExchange} interfaces. */
	Class<?>[] types() default {};

	/** Packages whose interfaces annotated {@code @RpcExchange} (on the type) become clients too. */
	Class<?>[] basePackageClasses() default {};

	/** Holds repeated {@code @ImportRpcServices}. */
	@Target(ElementType.TYPE)
	@Retention(RetentionPolicy.RUNTIME)
	@Documented
	@Import(RpcServicesRegistrar.class)
	@interface Container {

		ImportRpcServices[] value();

	}

}
