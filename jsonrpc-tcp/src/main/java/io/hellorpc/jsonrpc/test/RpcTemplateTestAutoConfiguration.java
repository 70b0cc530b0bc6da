package io.hellorpc.jsonrpc.test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import io.hellorpc.jsonrpc.autoconfigure.RpcClientAutoConfiguration;
import io.hellorpc.jsonrpc.autoconfigure.RpcServerAutoConfiguration;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.server.RpcServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * What {@link AutoConfigureRpcTemplate @AutoConfigureRpcTemplate} imports: an {@link RpcTemplate}
 * calling the application's own listener wherever it is bound.
 */
@AutoConfiguration(after = { RpcServerAutoConfiguration.class, RpcClientAutoConfiguration.class })
@ConditionalOnBean(RpcServer.class)
public class RpcTemplateTestAutoConfiguration {

	/** The template's bean name. */
	public static final String BEAN_NAME = "localRpcTemplate";

	@Bean(name = BEAN_NAME, destroyMethod = "close")
	@ConditionalOnMissingBean(name = BEAN_NAME)
	public RpcTemplate localRpcTemplate(RpcTemplateBuilder builder, ObjectProvider<RpcServer> server) {
		// Resolved at the first call, when the listener is bound (it starts after every bean is made).
		return builder.addresses("local-rpc-server", () -> List.of(local(server.getObject()))).build();
	}

	/** The listener's address; a wildcard one (0.0.0.0, ::) is called on loopback. */
	private static InetSocketAddress local(RpcServer server) {
		InetSocketAddress bound = server.address();
		if (bound == null) {
			throw new IllegalStateException("the JSON-RPC listener is not running");
		}
		InetAddress address = bound.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound.getAddress();
		return new InetSocketAddress(address, bound.getPort());
	}

}
