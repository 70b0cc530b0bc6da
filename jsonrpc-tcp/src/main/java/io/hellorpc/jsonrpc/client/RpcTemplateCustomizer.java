package io.hellorpc.jsonrpc.client;

/**
 * Changes the auto-configured {@link RpcTemplateBuilder} before it is injected, as Boot's
 * {@code RestClientCustomizer}: the builder is changed in place ({@code builder -> builder.timeout(...)}),
 * so there is no builder to return and none to lose.
 */
@FunctionalInterface
public interface RpcTemplateCustomizer {

	void customize(RpcTemplateBuilder builder);

}
