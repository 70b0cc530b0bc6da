package io.hellorpc.jsonrpc.autoconfigure;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.hellorpc.jsonrpc.client.RpcAddressResolver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

/**
 * The instances Spring Cloud's {@link DiscoveryClient} lists for a service id now, each as its host
 * (unresolved: it is resolved when connecting) and port, or the port its metadata {@value #RPC_PORT}
 * gives: a registry entry whose port is the HTTP one (the actuator's, say) names the RPC port there.
 * An instance without a usable port is left out with a WARN line, so that it does not hide the others.
 */
final class DiscoveryRpcAddressResolver implements RpcAddressResolver {

	/** The instance metadata key whose value, when set, is the RPC port in place of the instance's port. */
	static final String RPC_PORT = "rpc-port";

	private static final Log logger = LogFactory.getLog(DiscoveryRpcAddressResolver.class);

	private final DiscoveryClient discoveryClient;

	private final String serviceId;

	DiscoveryRpcAddressResolver(DiscoveryClient discoveryClient, String serviceId) {
		this.discoveryClient = discoveryClient;
		this.serviceId = serviceId;
	}

	@Override
	public List<InetSocketAddress> resolve() {
		List<InetSocketAddress> addresses = new ArrayList<>();
		for (ServiceInstance instance : this.discoveryClient.getInstances(this.serviceId)) {
			String rpcPort = (instance.getMetadata() != null) ? instance.getMetadata().get(RPC_PORT) : null;
			int port = (rpcPort != null) ? parsePort(rpcPort) : instance.getPort();
			String host = instance.getHost();
			if (host == null || host.isEmpty() || port < 1 || port > 65535) {
				logger.warn(((instance.getInstanceId() != null) ? "Instance " + instance.getInstanceId() : "An instance")
						+ " of " + this.serviceId
						+ " left out: no host and port to call (host " + host + ", "
						+ ((rpcPort != null) ? "metadata " + RPC_PORT + "=" + rpcPort : "port " + instance.getPort()) + ")");
				continue;
			}
			addresses.add(InetSocketAddress.createUnresolved(host, port));
		}
		return addresses;
	}

	/** The number, or -1 if it is none. */
	private static int parsePort(String value) {
		try {
			return Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	@Override
	public String toString() {
		return "discovery:" + this.serviceId;
	}

}
