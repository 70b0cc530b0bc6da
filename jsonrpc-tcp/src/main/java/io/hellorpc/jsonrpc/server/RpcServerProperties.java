package io.hellorpc.jsonrpc.server;

import java.time.Duration;

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
 * @param outboundHighWaterMark Replies written but not yet taken by a peer, per connection, past
 * which the connection is no longer read (and no more of its calls start) until they drain to half
 * of it: a peer that sends calls and never reads its replies holds no more memory than this plus
 * the replies of the calls already running.
 * @param idleTimeout A connection with no traffic and no call running for this long is closed,
 * which also ends connections that begin a message and never finish it.
 * @param shutdownGracePeriod On stop, the listener closes at once; each connection is still read
 * until its peer pauses (at most half this period) so that calls already sent are answered, and is
 * closed once those are answered; connections still busy when the period ends are closed.
 * @param ioThreads Netty event-loop threads for the connections; 0 means one per CPU.
 * @param callThreads Where calls run: task-executor (Boot's applicationTaskExecutor,
 * virtual threads where enabled), or event-loop, the connection's own I/O thread: no hand-off,
 * so the fastest, but only for methods that never block, since a slow call then holds up every
 * connection on that thread.
 * @param ssl TLS on the listener, off unless rpc.server.ssl.bundle names an SSL bundle.
 */
@ConfigurationProperties("rpc.server")
public record RpcServerProperties(@DefaultValue("0.0.0.0") String host, @DefaultValue("1337") int port,
		@DefaultValue("1MB") DataSize maxMessageSize, @DefaultValue("10000") int maxConnections,
		@DefaultValue("64") int maxCallsInFlightPerConnection, @DefaultValue("1MB") DataSize outboundHighWaterMark,
		@DefaultValue("60s") Duration idleTimeout,
		@DefaultValue("10s") Duration shutdownGracePeriod, @DefaultValue("0") int ioThreads,
		@DefaultValue("task-executor") CallThreads callThreads, @DefaultValue Ssl ssl) {

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
	 */
	public record Ssl(String bundle, @DefaultValue("none") ClientAuth clientAuth,
			@DefaultValue("10s") Duration handshakeTimeout) {

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

		/** On Boot's {@code applicationTaskExecutor}: calls may block. */
		TASK_EXECUTOR,

		/** On the connection's event loop: no thread hand-off; calls must never block. */
		EVENT_LOOP

	}

	public RpcServerProperties {
		if (maxMessageSize.toBytes() < 1 || maxMessageSize.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("rpc.server.max-message-size must be between 1B and 2GB, was " + maxMessageSize);
		}
		if (outboundHighWaterMark.toBytes() < 2 || outboundHighWaterMark.toBytes() > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("rpc.server.outbound-high-water-mark must be between 2B and 2GB, was " + outboundHighWaterMark);
		}
		if (maxConnections < 1 || maxCallsInFlightPerConnection < 1) {
			throw new IllegalArgumentException("rpc.server.max-connections and rpc.server.max-calls-in-flight-per-connection must be at least 1");
		}
	}

}
