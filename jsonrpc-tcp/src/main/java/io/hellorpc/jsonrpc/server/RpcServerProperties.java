package io.hellorpc.jsonrpc.server;

import java.time.Duration;

import io.hellorpc.jsonrpc.transport.RpcSslProvider;
import io.hellorpc.jsonrpc.transport.RpcTransport;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The JSON-RPC listener: where it listens and the limits that keep one peer from hurting the others.
 *
 * @param host Address to bind; 0.0.0.0 listens on every interface.
 * @param port TCP port to listen on; 0 picks a free one (published as local.rpc.port).
 * @param maxMessageSize Largest message a peer may send; a larger one gets an error reply and the
 * connection is closed, and no more than this is ever buffered for it.
 * @param maxConnections Connections open at once; a connection past it gets an error line and is
 * closed at once.
 * @param maxCallsInFlightPerConnection Calls of one connection running at once; past it the
 * connection is not read until a call finishes (backpressure), no call fails.
 * @param maxBatchSize Calls in one JSON-RPC 2.0 batch; a larger batch is answered with one
 * invalid-request error (-32600) and not run.
 * @param idleTimeout A connection with no traffic and no call running for this long is closed,
 * which also ends connections that begin a message and never finish it; so is one whose peer has
 * not taken a reply for this long.
 * @param callTimeout A call still running after this long is answered with a timeout error
 * (JSON-RPC 2.0 code -32002), its slot freed and its thread interrupted; unset means no
 * server-side deadline, as Go's server has none.
 * @param shutdownGracePeriod On stop, the listener closes at once; each connection is still read
 * until its peer pauses (at most half this period) so that calls already sent are answered, and is
 * closed once those are answered; connections still busy when the period ends are closed.
 * @param maxConnectionAge A connection open this long (give or take a random 10 %, so that
 * connections opened together do not end together) goes away gracefully: calls it sends from then
 * on are refused unrun with "rpc: call not started: …" (JSON-RPC 2.0 code -32001), calls running
 * are answered, then the server half-closes it, so that clients reconnect and rebalance behind an
 * L4 load balancer; unset means connections live until idle or closed by the peer.
 * @param maxConnectionAgeGrace How long a connection past its max-connection-age has for its
 * running calls to be answered; when it ends, the server half-closes the connection anyway
 * (answers still due are dropped) and closes it a second later at the latest.
 * @param ioThreads Netty event-loop threads for the connections; 0 means one per CPU.
 * @param callThreads Where calls run: auto (Boot's applicationTaskExecutor, virtual threads where
 * enabled, but a method marked @RpcNonBlocking on the connection's event loop), task-executor
 * (every call on the executor, the marks ignored), or event-loop (every call on the connection's
 * own I/O thread: no hand-off, so the fastest, but only for methods that never block, since a slow
 * call then holds up every connection on that thread).
 * @param ssl TLS on the listener, off unless rpc.server.ssl.bundle names an SSL bundle.
 * @param memory What the whole server may buffer.
 * @param transport Netty's transport for the listener and its connections: auto (epoll where its
 * native jar and the kernel have it, else nio), nio, epoll or io-uring (opt-in); a native one asked
 * for and not available fails the start with the reason. The choice is logged at start-up.
 * @param discovery OpenRPC discovery: the JSON-RPC 2.0 method rpc.discover.
 */
@ConfigurationProperties("rpc.server")
public record RpcServerProperties(@DefaultValue("0.0.0.0") String host, @DefaultValue("1337") int port,
		@DefaultValue("1MB") DataSize maxMessageSize, @DefaultValue("10000") int maxConnections,
		@DefaultValue("64") int maxCallsInFlightPerConnection, @DefaultValue("1000") int maxBatchSize,
		@DefaultValue("60s") Duration idleTimeout, Duration callTimeout,
		@DefaultValue("10s") Duration shutdownGracePeriod, Duration maxConnectionAge,
		@DefaultValue("10s") Duration maxConnectionAgeGrace, @DefaultValue("0") int ioThreads,
		@DefaultValue("auto") CallThreads callThreads, @DefaultValue Ssl ssl, @DefaultValue Memory memory,
		@DefaultValue("auto") RpcTransport transport,
		@DefaultValue Discovery discovery) {

	/**
	 * OpenRPC discovery: {@code rpc.discover} (JSON-RPC 2.0) answers an OpenRPC document describing
	 * every method, built once at start-up; {@code /actuator/rpc/openrpc} serves the same document.
	 *
	 * @param enabled Whether rpc.discover is served; when false it is an unknown method (-32601).
	 * @param title The document's info.title; unset means spring.application.name, else "JSON-RPC services".
	 * @param version The document's info.version; unset means the build's version (build-info), else "unversioned".
	 */
	public record Discovery(@DefaultValue("true") boolean enabled, String title, String version) {

	}

	/**
	 * What the whole server may buffer: the incomplete messages being received and the replies not
	 * yet taken, over all connections (Envoy's overload manager is the model).
	 *
	 * @param budget The most the server buffers; past it the connections holding the most are
	 * closed with an error line. Unset means half of the JVM's direct memory limit
	 * (-XX:MaxDirectMemorySize, by default the heap's maximum).
	 * @param pressureThreshold The fraction of the budget at which the server is under memory
	 * pressure: it stops accepting, stops reading connections that hold bytes, and reports
	 * readiness REFUSING_TRAFFIC until it is below nine tenths of it again.
	 */
	public record Memory(DataSize budget, @DefaultValue("0.8") double pressureThreshold) {

		public Memory {
			if (budget != null && budget.toBytes() < 1) {
				throw new IllegalArgumentException("rpc.server.memory.budget must be positive, was " + budget);
			}
			if (!(pressureThreshold > 0 && pressureThreshold <= 1)) {
				throw new IllegalArgumentException(
						"rpc.server.memory.pressure-threshold must be above 0 and at most 1, was " + pressureThreshold);
			}
		}

	}

	/**
	 * TLS on the listener.
	 *
	 * @param bundle The spring.ssl.bundle.pem.* or spring.ssl.bundle.jks.* bundle
	 * holding the server's certificate and key (and, for client authentication, the trusted CAs);
	 * when it is reloaded (reload-on-update), new connections use the new one, open ones
	 * keep going; unset means plain TCP.
	 * @param clientAuth Whether peers must present a certificate the bundle's trust store accepts:
	 * none, want (checked when presented) or need (mutual TLS).
	 * @param handshakeTimeout A connection that has not finished its handshake within this time is
	 * closed.
	 * @param provider The TLS implementation: auto (OpenSSL, i.e. BoringSSL, where
	 * netty-tcnative-boringssl-static loads, else the JDK's), jdk or openssl (fails the start where
	 * it cannot load).
	 */
	public record Ssl(String bundle, @DefaultValue("none") ClientAuth clientAuth,
			@DefaultValue("10s") Duration handshakeTimeout, @DefaultValue("auto") RpcSslProvider provider) {

		public boolean enabled() {
			return this.bundle != null && !this.bundle.isBlank();
		}

	}

	/** Whether TLS peers must authenticate with a certificate of their own. */
	public enum ClientAuth {

		/** No client certificate is asked for. */
		NONE,

		/** A client certificate is asked for and checked when given; peers without one are served. */
		WANT,

		/** Mutual TLS: a peer without a trusted certificate fails its handshake. */
		NEED

	}

	/** Where calls run. */
	public enum CallThreads {

		/** On Boot's {@code applicationTaskExecutor}, but {@link RpcNonBlocking} methods' calls in place on the event loop. */
		AUTO,

		/** Every call on Boot's {@code applicationTaskExecutor}: calls may block; {@link RpcNonBlocking} is ignored. */
		TASK_EXECUTOR,

		/** On the connection's event loop: no thread hand-off; calls must never block. */
		EVENT_LOOP

	}

	public RpcServerProperties {
		if (maxMessageSize.toBytes() < 1 || maxMessageSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("rpc.server.max-message-size must be between 1B and 2GB, was " + maxMessageSize);
		}
		if (maxBatchSize < 1) {
			throw new IllegalArgumentException("rpc.server.max-batch-size must be at least 1, was " + maxBatchSize);
		}
		if (callTimeout != null && (callTimeout.isNegative() || callTimeout.isZero())) {
			throw new IllegalArgumentException("rpc.server.call-timeout must be positive when set, was " + callTimeout);
		}
		if (maxConnectionAge != null && (maxConnectionAge.isNegative() || maxConnectionAge.isZero())) {
			throw new IllegalArgumentException("rpc.server.max-connection-age must be positive when set, was " + maxConnectionAge);
		}
		if (maxConnectionAgeGrace.isNegative()) {
			throw new IllegalArgumentException("rpc.server.max-connection-age-grace must not be negative, was " + maxConnectionAgeGrace);
		}
		if (maxConnections < 1 || maxCallsInFlightPerConnection < 1) {
			throw new IllegalArgumentException("rpc.server.max-connections and rpc.server.max-calls-in-flight-per-connection must be at least 1");
		}
	}

}
