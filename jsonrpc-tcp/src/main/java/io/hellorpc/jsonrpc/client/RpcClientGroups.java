package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * One {@link RpcTemplate} per group of {@link ImportRpcServices imported} RPC clients, made on
 * first use from a fresh auto-configured builder and the group's {@code rpc.client.<group>.*},
 * and closed with the context. The {@value #DEFAULT_GROUP} group is {@code rpc.client.*} itself.
 */
public final class RpcClientGroups implements AutoCloseable {

	/** The group configured by {@code rpc.client.*} alone. */
	public static final String DEFAULT_GROUP = "default";

	/** {@code rpc.client.*}'s own names, which cannot name a group. */
	private static final Set<String> RESERVED = Arrays.stream(RpcClientProperties.class.getRecordComponents())
		.map((component) -> component.getName().replaceAll("([A-Z])", "-$1").toLowerCase())
		.collect(Collectors.toUnmodifiableSet());

	/** A group name is one element of a property name: {@code rpc.client.<group>.host}. */
	private static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

	private static final Pattern SERVICE_ID = Pattern.compile("rpc\\.client\\.([a-z0-9][a-z0-9-]*\\.)?service-id");

	private final Supplier<RpcTemplateBuilder> builders;

	private final Binder binder;

	private final BiFunction<String, String, SslBundle> sslBundles;

	/** {@code null} when the application has none: a service id then fails the start. */
	private final RpcServiceDiscovery discovery;

	private final Map<String, RpcTemplate> templates = new ConcurrentHashMap<>();

	/**
	 * @param builders a new builder each time, {@code rpc.client.*} applied (the auto-configured prototype bean)
	 * @param sslBundles looks up a bundle by (property, name), failing with a sentence that names the property
	 * @throws IllegalStateException when {@code rpc.client.default.*} is set: it would be silently ignored
	 */
	public RpcClientGroups(Supplier<RpcTemplateBuilder> builders, Environment environment,
			BiFunction<String, String, SslBundle> sslBundles) {
		this(builders, environment, sslBundles, null);
	}

	/**
	 * As {@link #RpcClientGroups(Supplier, Environment, BiFunction)}, a group's
	 * {@code service-id} found by {@code discovery} ({@code null} if the application has none).
	 */
	public RpcClientGroups(Supplier<RpcTemplateBuilder> builders, Environment environment,
			BiFunction<String, String, SslBundle> sslBundles, RpcServiceDiscovery discovery) {
		this.builders = builders;
		this.binder = Binder.get(environment);
		this.sslBundles = sslBundles;
		this.discovery = discovery;
		if (discovery == null) {
			// A group calling a service by id with nothing to find it would fail on first use: fail the start.
			serviceIdsSet(environment).stream().findFirst().ifPresent((property) -> resolverFor(null, property,
					this.binder.bind(property, String.class).orElse("")));
		}
		if (this.binder.bind("rpc.client." + DEFAULT_GROUP, Bindable.of(GroupProperties.class)).isBound()) {
			throw new IllegalStateException("rpc.client." + DEFAULT_GROUP + ".* is set, but the '" + DEFAULT_GROUP
					+ "' group of RPC clients is configured by rpc.client.* itself: move those properties there");
		}
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

	/** The {@code rpc.client.service-id} and {@code rpc.client.<group>.service-id} properties set, in any property source. */
	private static List<String> serviceIdsSet(Environment environment) {
		List<String> found = new ArrayList<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource names) {
				names.stream()
					.map(ConfigurationPropertyName::toString)
					.filter((name) -> SERVICE_ID.matcher(name).matches())
					.forEach(found::add);
			}
		}
		return found;
	}

	static void checkGroupName(String group) {
		if (group == null || !GROUP_NAME.matcher(group).matches()) {
			throw new IllegalStateException("'" + group + "' cannot name an RPC client group: its properties are rpc.client."
					+ group + ".*, so the name must be lower-case letters, digits and dashes, starting with a letter or digit");
		}
		if (RESERVED.contains(group)) {
			throw new IllegalStateException("'" + group + "' cannot name an RPC client group: it would be read as rpc.client."
					+ group + ", a property of every group; pick another name");
		}
	}

	private RpcTemplate build(String group) {
		// A copy: an application's own builder bean may be a singleton, shared with others.
		RpcTemplateBuilder groupBuilder = this.builders.get().clone();
		if (DEFAULT_GROUP.equals(group)) {
			return groupBuilder.build();
		}
		String prefix = "rpc.client." + group;
		GroupProperties own = this.binder.bind(prefix, Bindable.of(GroupProperties.class)).orElse(GroupProperties.NONE);
		if (own.host() != null || own.port() != null) {
			groupBuilder.address((own.host() != null) ? own.host() : groupBuilder.host(),
					(own.port() != null) ? own.port() : groupBuilder.port());
		}
		if (own.serviceId() != null) {
			groupBuilder.addresses(discoveryName(own.serviceId()),
					resolverFor(this.discovery, prefix + ".service-id", own.serviceId()));
		}
		if (own.resolveInterval() != null) {
			groupBuilder.resolveInterval(own.resolveInterval());
		}
		if (own.balancer() != null) {
			groupBuilder.balancer(own.balancer());
		}
		if (own.retry() != null) {
			groupBuilder.retry(own.retry());
		}
		if (own.reconnect() != null) {
			groupBuilder.reconnect(own.reconnect());
		}
		if (own.keepAlive() != null) {
			groupBuilder.keepAlive(own.keepAlive());
		}
		if (own.maxConsecutiveTimeouts() != null) {
			groupBuilder.maxConsecutiveTimeouts(own.maxConsecutiveTimeouts());
		}
		if (own.connectTimeout() != null) {
			groupBuilder.connectTimeout(own.connectTimeout());
		}
		if (own.timeout() != null) {
			groupBuilder.timeout(own.timeout());
		}
		if (own.maxMessageSize() != null) {
			groupBuilder.maxMessageSize(own.maxMessageSize());
		}
		if (own.maxPendingCalls() != null) {
			groupBuilder.maxPendingCalls(own.maxPendingCalls());
		}
		if (own.protocol() != null) {
			groupBuilder.protocol(own.protocol());
		}
		if (own.ssl() != null && own.ssl().enabled()) {
			groupBuilder.ssl(this.sslBundles.apply(prefix + ".ssl.bundle", own.ssl().bundle()),
					own.ssl().serverName());
		}
		return groupBuilder.build();
	}

	/** What the messages of a template calling a service by id call it. */
	public static String discoveryName(String serviceId) {
		return "discovery:" + serviceId;
	}

	/**
	 * The addresses of {@code serviceId}, by the application's discovery.
	 * @throws IllegalStateException naming {@code property} when there is none
	 */
	public static RpcAddressResolver resolverFor(RpcServiceDiscovery discovery, String property, String serviceId) {
		if (discovery == null) {
			throw new IllegalStateException(property + " is " + serviceId + ", but the application has no RpcServiceDiscovery"
					+ " bean to find its instances: add Spring Cloud (a DiscoveryClient) or declare one, or set a host instead");
		}
		return discovery.resolver(serviceId);
	}

	/**
	 * What a group may set over {@code rpc.client.*}; unset is inherited. A nested block
	 * ({@code retry}, {@code reconnect}, {@code keep-alive}) set in a group replaces the whole block.
	 */
	record GroupProperties(String host, Integer port, Duration connectTimeout, Duration timeout, DataSize maxMessageSize,
			Integer maxPendingCalls, RpcProtocol protocol, RpcClientProperties.Ssl ssl, String serviceId,
			Duration resolveInterval, RpcBalancer balancer, RpcClientProperties.Retry retry,
			RpcClientProperties.Reconnect reconnect, RpcClientProperties.KeepAlive keepAlive,
			Integer maxConsecutiveTimeouts) {

		static final GroupProperties NONE = new GroupProperties(null, null, null, null, null, null, null, null, null, null,
				null, null, null, null, null);

	}

}
