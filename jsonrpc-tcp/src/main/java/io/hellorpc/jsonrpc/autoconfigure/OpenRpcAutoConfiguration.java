package io.hellorpc.jsonrpc.autoconfigure;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.server.RpcServerProperties;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;
import io.hellorpc.jsonrpc.server.openrpc.OpenRpcDocument;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * OpenRPC discovery: the document {@code rpc.discover} answers, generated once from the
 * registry at start-up, unless {@code rpc.server.discovery.enabled=false}.
 */
@AutoConfiguration(after = RpcServerAutoConfiguration.class)
@ConditionalOnBean(RpcServiceRegistry.class)
@ConditionalOnBooleanProperty(name = "rpc.server.discovery.enabled", matchIfMissing = true)
public class OpenRpcAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	public OpenRpcDocument openRpcDocument(RpcServiceRegistry registry, JsonRpcCodec codec,
			RpcServerProperties properties, Environment environment, ObjectProvider<BuildProperties> build,
			ListableBeanFactory beans) {
		RpcServerProperties.Discovery discovery = properties.discovery();
		String title = StringUtils.hasText(discovery.title()) ? discovery.title()
				: environment.getProperty("spring.application.name", "JSON-RPC services");
		String version = discovery.version();
		if (!StringUtils.hasText(version)) {
			BuildProperties buildProperties = build.getIfAvailable();
			version = (buildProperties != null && buildProperties.getVersion() != null) ? buildProperties.getVersion()
					: "unversioned";
		}
		// Spring Security's interceptor (RpcSecurityAutoConfiguration), when on, may refuse any call.
		boolean secured = beans.containsBean("rpcSecurityInterceptor");
		return OpenRpcDocument.of(registry, codec.mapper(),
				new OpenRpcDocument.Server(title, version, properties.callTimeout() != null, secured));
	}

}
