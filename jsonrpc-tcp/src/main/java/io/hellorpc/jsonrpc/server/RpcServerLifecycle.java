package io.hellorpc.jsonrpc.server;

import java.net.InetSocketAddress;
import java.util.Map;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

/**
 * Starts the JSON-RPC listener with the application context and drains it when the context
 * closes. On start the bound port is published as {@code local.rpc.port}, as Boot publishes
 * {@code local.server.port}, and in a {@link RpcServerStartedEvent}.
 */
public class RpcServerLifecycle implements SmartLifecycle {

	/** The web server's phase: the listener starts after everything else and stops first, with it. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 2048;

	private static final String PORT_PROPERTY = "local.rpc.port";

	private static final String PORTS_SOURCE = "rpc.ports";

	private final RpcServer server;

	private final ConfigurableEnvironment environment;

	private final ApplicationEventPublisher events;

	public RpcServerLifecycle(RpcServer server, ConfigurableEnvironment environment,
			ApplicationEventPublisher events) {
		this.server = server;
		this.environment = environment;
		this.events = events;
	}

	@Override
	public void start() {
		InetSocketAddress address = this.server.start();
		publishPort(address.getPort());
		this.events.publishEvent(new RpcServerStartedEvent(this.server, address));
	}

	@Override
	public void stop() {
		this.server.stop();
		this.events.publishEvent(new RpcServerStoppedEvent(this.server));
	}

	/** Drains on another thread, so that Boot's {@code spring.lifecycle.timeout-per-shutdown-phase} bounds it. */
	@Override
	public void stop(Runnable callback) {
		Thread drainer = new Thread(() -> {
			try {
				stop();
			}
			finally {
				callback.run();
			}
		}, "rpc-server-shutdown");
		drainer.start();
	}

	@Override
	public boolean isRunning() {
		return this.server.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	private void publishPort(int port) {
		MutablePropertySources sources = this.environment.getPropertySources();
		PropertySource<?> existing = sources.get(PORTS_SOURCE);
		if (existing != null) {
			sources.remove(PORTS_SOURCE);
		}
		sources.addFirst(new MapPropertySource(PORTS_SOURCE, Map.of(PORT_PROPERTY, port)));
	}

}
