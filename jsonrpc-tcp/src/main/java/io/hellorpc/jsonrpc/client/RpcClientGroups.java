package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * One {@link RpcTemplate} per group of {@link ImportRpcServices imported} RPC clients, made on
 * first use from the auto-configured builder and the group's {@code rpc.client.<group>.*}, and
 * closed with the context.
 */
public final class RpcClientGroups implements AutoCloseable {

	/** The group configured by {@code rpc.client.*} alone. */
	public static final String DEFAULT_GROUP = "default";

	/** {@code rpc.client.*}'s own names, which cannot name a group. */
	private static final Set<String> RESERVED = Set.of("host", "port", "connect-timeout", "timeout", "max-message-size",
			"io-threads", "protocol", "ssl");

	private final RpcTemplateBuilder builder;

	private final Binder binder;

	private final BiFunction<String, String, SslBundle> sslBundles;

	private final Map<String, RpcTemplate> templates = new ConcurrentHashMap<>();

	/**
	 * @param sslBundles looks up a bundle by (property, name), failing with a sentence that names the property
	 */
	public RpcClientGroups(RpcTemplateBuilder builder, Environment environment,
			BiFunction<String, String, SslBundle> sslBundles) {
		this.builder = builder;
		this.binder = Binder.get(environment);
		this.sslBundles = sslBundles;
	}

	/** The group's template, made on first use. */
	public RpcTemplate template(String group) {
		checkGroupName(group);
		return this.templates.computeIfAbsent(group, this::build);
	}

	/** A client of an {@code @RpcExchange} interface calling through the group's template. */
	public <S> S client(String group, Class<S> serviceType) {
		return RpcServiceProxyFactory.of(template(group)).createClient(serviceType);
	}

	@Override
	public void close() {
		this.templates.values().forEach(RpcTemplate::close);
		this.templates.clear();
	}

	static void checkGroupName(String group) {
		if (group == null || group.isBlank() || RESERVED.contains(group)) {
			throw new IllegalStateException("'" + group + "' cannot name an RPC client group: it would be read as rpc.client."
					+ group + ", a property of every group; pick another name");
		}
	}

	private RpcTemplate build(String group) {
		if (DEFAULT_GROUP.equals(group)) {
			return this.builder.build();
		}
		String prefix = "rpc.client." + group;
		GroupProperties own = this.binder.bind(prefix, Bindable.of(GroupProperties.class)).orElse(GroupProperties.NONE);
		RpcTemplateBuilder groupBuilder = this.builder;
		if (own.host() != null || own.port() != null) {
			groupBuilder = groupBuilder.address((own.host() != null) ? own.host() : groupBuilder.host(),
					(own.port() != null) ? own.port() : groupBuilder.port());
		}
		if (own.connectTimeout() != null) {
			groupBuilder = groupBuilder.connectTimeout(own.connectTimeout());
		}
		if (own.timeout() != null) {
			groupBuilder = groupBuilder.timeout(own.timeout());
		}
		if (own.maxMessageSize() != null) {
			groupBuilder = groupBuilder.maxMessageSize(own.maxMessageSize());
		}
		if (own.protocol() != null) {
			groupBuilder = groupBuilder.protocol(own.protocol());
		}
		if (own.ssl() != null && own.ssl().enabled()) {
			groupBuilder = groupBuilder.ssl(this.sslBundles.apply(prefix + ".ssl.bundle", own.ssl().bundle()),
					own.ssl().serverName());
		}
		return groupBuilder.build();
	}

	/** What a group may set over {@code rpc.client.*}; unset is inherited. */
	record GroupProperties(String host, Integer port, Duration connectTimeout, Duration timeout, DataSize maxMessageSize,
			RpcProtocol protocol, RpcClientProperties.Ssl ssl) {

		static final GroupProperties NONE = new GroupProperties(null, null, null, null, null, null, null);

	}

}
