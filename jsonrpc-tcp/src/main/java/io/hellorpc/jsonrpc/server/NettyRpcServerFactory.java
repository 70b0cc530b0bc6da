package io.hellorpc.jsonrpc.server;

import java.util.List;
import java.util.concurrent.Executor;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Makes the Netty listener serving the {@link RpcServiceRegistry}'s methods, as
 * {@code rpc.server.*} configures it.
 */
public final class NettyRpcServerFactory implements RpcServerFactory {

	private final RpcServerProperties properties;

	private final JsonRpcCodec codec;

	private final RpcDispatcher dispatcher;

	private final Executor executor;

	private final RpcServerActivity activity;

	private final SslBundles sslBundles;

	private final List<RpcServerCustomizer> customizers;

	private final ApplicationEventPublisher events;

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
		this.properties = properties;
		this.codec = codec;
		this.dispatcher = new RpcDispatcher(registry, codec, observations, activity, validator);
		this.executor = executor;
		this.activity = activity;
		this.sslBundles = sslBundles;
		this.customizers = List.copyOf(customizers);
		this.events = events;
	}

	@Override
	public RpcServer createServer() {
		return new NettyRpcServer(this.properties, this.codec, this.dispatcher, this.executor, this.activity,
				this.sslBundles, this.customizers, this.events);
	}

}
