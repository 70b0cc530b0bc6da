package io.hellorpc.jsonrpc.client;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the servers a template calls are now: every address a template keeps a connection to and
 * balances its calls over. Asked off the I/O threads (it may block): on the first call, every
 * {@code rpc.client.resolve-interval}, and after a connection fails. An address may be unresolved
 * ({@link InetSocketAddress#createUnresolved}); it is resolved when connecting.
 */
@FunctionalInterface
public interface RpcAddressResolver {

	/** The servers' current addresses; an empty list or an exception leaves the last ones in use. */
	List<InetSocketAddress> resolve() throws Exception;

	/**
	 * Every address the name has now (a Kubernetes headless Service or Docker's DNS for a scaled
	 * service answer with one per replica), each with {@code port}. The JDK caches names for
	 * {@code networkaddress.cache.ttl} (30 s by default).
	 */
	static RpcAddressResolver dns(String host, int port) {
		return () -> {
			List<InetSocketAddress> addresses = new ArrayList<>();
			for (InetAddress address : InetAddress.getAllByName(host)) {
				addresses.add(new InetSocketAddress(address, port));
			}
			return addresses;
		};
	}

}
