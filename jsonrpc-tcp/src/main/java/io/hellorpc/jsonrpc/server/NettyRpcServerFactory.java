package io.hellorpc.jsonrpc.server;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.server.advice.RpcExceptionHandlers;
import io.micrometer.observation.ObservationRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Makes the Netty listener serving the {@link RpcServiceRegistry}'s methods, as
 * {@code rpc.server.*} configures it.
 */
public final class NettyRpcServerFactory implements RpcServerFactory {

	private final Supplier<RpcServer> servers;

	/**
	 * @param executor where calls run; {@code null} gives the server a bounded pool of its own
	 * (daemon threads {@code rpc-call-N}), shut down when it stops
	 * @param observations where each call is observed
	 * @param validator checks {@code @Valid} params
	 * @param sslBundles where {@code rpc.server.ssl.bundle} is looked up; may be {@code null} when
	 * the listener is plain TCP
	 * @param events where {@link RpcServerMemoryPressureEvent}s go; may be {@code null}
	 */
	public NettyRpcServerFactory(RpcServerProperties properties, JsonRpcCodec codec, RpcServiceRegistry registry,
			Executor executor, RpcServerActivity activity, ObservationRegistry observations, RpcParamValidator validator,
			SslBundles sslBundles, List<RpcServerCustomizer> customizers, ApplicationEventPublisher events) {
		this(properties, codec, registry, executor, activity, observations, validator, sslBundles, customizers, events,
				RpcExceptionHandlers.NONE, List.of());
	}

	/**
	 * As the constructor above, with error advice and interceptors.
	 * @param handlers the {@code @RpcExceptionHandler}s failures are offered to before the default rules
	 * @param interceptors run around each call's method, in order, the first outermost
	 */
	public NettyRpcServerFactory(RpcServerProperties properties, JsonRpcCodec codec, RpcServiceRegistry registry,
			Executor executor, RpcServerActivity activity, ObservationRegistry observations, RpcParamValidator validator,
			SslBundles sslBundles, List<RpcServerCustomizer> customizers, ApplicationEventPublisher events,
			RpcExceptionHandlers handlers, List<RpcCallInterceptor> interceptors) {
		this(properties, codec, registry, executor, activity, observations, validator, sslBundles, customizers, events,
				handlers, interceptors, null);
	}

	/**
	 * As the constructor above, with OpenRPC discovery.
	 * @param discovery the document a JSON-RPC 2.0 {@code rpc.discover} call is answered with
	 * (built once, see {@link io.hellorpc.jsonrpc.server.openrpc.OpenRpcDocument}); {@code null}
	 * leaves {@code rpc.discover} an unknown method
	 */
	public NettyRpcServerFactory(RpcServerProperties properties, JsonRpcCodec codec, RpcServiceRegistry registry,
			Executor executor, RpcServerActivity activity, ObservationRegistry observations, RpcParamValidator validator,
			SslBundles sslBundles, List<RpcServerCustomizer> customizers, ApplicationEventPublisher events,
			RpcExceptionHandlers handlers, List<RpcCallInterceptor> interceptors, JsonNode discovery) {
		RpcDispatcher dispatcher = new RpcDispatcher(registry, codec, observations, activity, validator, handlers,
				interceptors, discovery);
		List<RpcServerCustomizer> ordered = List.copyOf(customizers);
		this.servers = () -> new NettyRpcServer(properties, codec, dispatcher, executor, activity, sslBundles, ordered,
				events);
	}

	@Override
	public RpcServer createServer() {
		return this.servers.get();
	}

}
