package io.hellorpc.jsonrpc.client;

/**
 * Finds the servers of a service by its id ({@code rpc.client.service-id},
 * {@code rpc.client.<group>.service-id}) rather than a host name. With Spring Cloud on the class
 * path, one backed by its {@code DiscoveryClient} is auto-configured; declare a bean of your own
 * for any other registry.
 */
@FunctionalInterface
public interface RpcServiceDiscovery {

	/** Where the service's instances are now, asked again as {@link RpcAddressResolver} says. */
	RpcAddressResolver resolver(String serviceId);

}
