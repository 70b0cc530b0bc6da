package io.hellorpc.jsonrpc.client;

/** Customises the auto-configured {@link RpcTemplateBuilder}, as a {@code RestTemplateCustomizer} does. */
@FunctionalInterface
public interface RpcTemplateCustomizer {

	RpcTemplateBuilder customize(RpcTemplateBuilder builder);

}
