package io.hellorpc.jsonrpc.support;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.server.RpcServerCustomizer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import static org.awaitility.Awaitility.await;

/**
 * Replicas of a real server ({@link TestServices} and {@link Fleet}) on 127.0.0.2, 127.0.0.3, …
 * sharing ONE port, as the replicas of a Kubernetes headless Service or of {@code docker compose
 * --scale} do. The first binds port 0, the others that port (all again on a new port when one is
 * taken). Each replica can be {@link #kill(int) killed} (connections reset, listener gone at once,
 * as SIGKILL leaves them) and {@link #restart(int) restarted} on its address and port.
 */
public final class Replicas implements AutoCloseable {

	private final int port;

	private final List<String> hosts;

	private final RunningServer[] servers;

	private final String[] properties;

	private Replicas(int port, List<String> hosts, RunningServer[] servers, String[] properties) {
		this.port = port;
		this.hosts = hosts;
		this.servers = servers;
		this.properties = properties;
	}

	/** {@code count} replicas on 127.0.0.2 … 127.0.0.(1 + count), one port, each with {@code properties}. */
	public static Replicas start(int count, String... properties) {
		List<String> hosts = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			hosts.add("127.0.0." + (2 + i));
		}
		RuntimeException last = null;
		for (int attempt = 0; attempt < 20; attempt++) {
			RunningServer[] servers = new RunningServer[count];
			try {
				servers[0] = startOn(hosts.get(0), 0, properties);
				int port = servers[0].port();
				for (int i = 1; i < count; i++) {
					servers[i] = startOn(hosts.get(i), port, properties);
				}
				return new Replicas(port, hosts, servers, properties);
			}
			catch (RuntimeException ex) {
				// Another process holds this port on one of the addresses: all of them again on another.
				last = ex;
				for (RunningServer server : servers) {
					if (server != null) {
						server.close();
					}
				}
			}
		}
		throw last;
	}

	private static RunningServer startOn(String host, int port, String... properties) {
		// Virtual threads run the calls: a pool of platform threads would queue held calls behind its first few.
		List<String> all = new ArrayList<>(List.of("rpc.server.host=" + host, "rpc.server.port=" + port,
				"rpc.server.shutdown-grace-period=0s", "spring.threads.virtual.enabled=true"));
		all.addAll(List.of(properties));
		return RunningServer.start(FleetConfiguration.class, all.toArray(String[]::new));
	}

	public int port() {
		return this.port;
	}

	public int size() {
		return this.servers.length;
	}

	public String host(int replica) {
		return this.hosts.get(replica);
	}

	/** The replica's address, resolved ({@code 127.0.0.x:port}). */
	public InetSocketAddress address(int replica) {
		return new InetSocketAddress(this.hosts.get(replica), this.port);
	}

	public List<InetSocketAddress> addresses() {
		List<InetSocketAddress> addresses = new ArrayList<>();
		for (int i = 0; i < this.servers.length; i++) {
			addresses.add(address(i));
		}
		return addresses;
	}

	/** The running replica's server (an exception when it is down). */
	public RunningServer server(int replica) {
		RunningServer server = this.servers[replica];
		if (server == null) {
			throw new IllegalStateException("replica " + this.hosts.get(replica) + " is down");
		}
		return server;
	}

	public Fleet fleet(int replica) {
		return server(replica).bean(Fleet.class);
	}

	public TestServices.Gates gates(int replica) {
		return server(replica).bean(TestServices.Gates.class);
	}

	/** Connections the running replica has open now. */
	public int openConnections(int replica) {
		return server(replica).bean(RpcServer.class).activity().openConnections();
	}

	/** Opens the gate of {@code key} on every running replica (a held call returns wherever it runs). */
	public void openEverywhere(String key) {
		for (int i = 0; i < this.servers.length; i++) {
			if (this.servers[i] != null) {
				gates(i).open(key);
			}
		}
	}

	/** Which replica runs (or ran) the held call {@code key}; -1 when none has started it. */
	public int startedOn(String key) {
		for (int i = 0; i < this.servers.length; i++) {
			if (this.servers[i] != null && gates(i).started(key)) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * As SIGKILL: the listener closes at once (a new connection is refused), every connection is
	 * reset (no reply to what it read, held calls included), then the context is closed.
	 */
	public void kill(int replica) {
		RunningServer server = server(replica);
		server.bean(Fleet.class).resetAll(true);
		this.servers[replica] = null;
		server.close();
	}

	/** Starts the replica again on its address and port (retried while the port is not free yet). */
	public void restart(int replica) {
		if (this.servers[replica] != null) {
			throw new IllegalStateException("replica " + this.hosts.get(replica) + " is running");
		}
		AtomicReference<RunningServer> started = new AtomicReference<>();
		await().ignoreExceptions().until(() -> {
			started.set(startOn(this.hosts.get(replica), this.port, this.properties));
			return true;
		});
		this.servers[replica] = started.get();
	}

	@Override
	public void close() {
		for (int i = 0; i < this.servers.length; i++) {
			if (this.servers[i] != null) {
				this.servers[i].close();
				this.servers[i] = null;
			}
		}
	}

	/** The fleet's test methods, and the hooks that let a replica see and reset its own connections. */
	@Configuration(proxyBeanMethods = false)
	public static class FleetConfiguration {

		@Bean
		Fleet fleet(Environment environment) {
			return new Fleet(environment.getRequiredProperty("rpc.server.host"));
		}

		@Bean
		RpcServerCustomizer fleetConnections(Fleet fleet) {
			return new RpcServerCustomizer() {

				@Override
				public void customize(ServerBootstrap bootstrap) {
					bootstrap.handler(new SeeListener(fleet));
				}

				@Override
				public void customize(SocketChannel connection) {
					fleet.connections.add(connection);
					connection.closeFuture().addListener((closed) -> fleet.connections.remove(connection));
				}

			};
		}

	}

	@ChannelHandler.Sharable
	static final class SeeListener extends ChannelInboundHandlerAdapter {

		private final Fleet fleet;

		SeeListener(Fleet fleet) {
			this.fleet = fleet;
		}

		@Override
		public void handlerAdded(ChannelHandlerContext context) {
			this.fleet.listener.set(context.channel());
		}

	}

	/**
	 * {@code Fleet.Who} answers with the replica's host and counts what it answered;
	 * {@code Fleet.Die} (and {@code Fleet.DieOn} on the named host) counts that it started, then
	 * resets this replica's connections, so that the call's connection dies after its request was
	 * read and before any reply.
	 */
	@RpcEndpoint(name = "Fleet")
	public static class Fleet {

		private final String host;

		final Set<Channel> connections = ConcurrentHashMap.newKeySet();

		final AtomicReference<Channel> listener = new AtomicReference<>();

		private final AtomicInteger answered = new AtomicInteger();

		private final AtomicInteger dieStarted = new AtomicInteger();

		Fleet(String host) {
			this.host = host;
		}

		public String who(String label) {
			this.answered.incrementAndGet();
			return this.host;
		}

		public String die(String label) {
			this.dieStarted.incrementAndGet();
			resetAll(false);
			return this.host;
		}

		public String dieOn(String host) {
			this.dieStarted.incrementAndGet();
			if (this.host.equals(host)) {
				resetAll(false);
			}
			return this.host;
		}

		/** How many {@code Fleet.Who} calls this replica answered. */
		public int answered() {
			return this.answered.get();
		}

		/** How many {@code Fleet.Die}/{@code Fleet.DieOn} calls this replica started. */
		public int dieStarted() {
			return this.dieStarted.get();
		}

		public String host() {
			return this.host;
		}

		/** Resets every connection (RST: SO_LINGER 0), and first closes the listener when {@code listenerToo}. */
		void resetAll(boolean listenerToo) {
			Channel listening = this.listener.get();
			if (listenerToo && listening != null) {
				listening.close().syncUninterruptibly();
			}
			for (Channel connection : this.connections) {
				connection.config().setOption(ChannelOption.SO_LINGER, 0);
				connection.close().syncUninterruptibly();
			}
		}

	}

}
