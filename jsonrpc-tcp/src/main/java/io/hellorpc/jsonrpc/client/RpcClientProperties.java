package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.List;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.transport.RpcSslProvider;
import io.hellorpc.jsonrpc.transport.RpcTransport;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where {@link RpcTemplate}s built by the auto-configured {@link RpcTemplateBuilder} call, and
 * how long they wait.
 *
 * @param host The servers' host name or address; a template keeps a connection to every address
 * the name resolves to and balances its calls over them.
 * @param port The servers' JSON-RPC port.
 * @param serviceId The service whose instances are the servers, found by the application's
 * RpcServiceDiscovery (Spring Cloud's DiscoveryClient where present), instead of host and port.
 * @param resolveInterval How often the name (or service id) is resolved again, so that new
 * servers get calls and removed ones drain; also after any connection fails. The JDK itself caches
 * a name for networkaddress.cache.ttl (30 s).
 * @param balancer How calls are spread over the servers: least-pending (of two picked at random,
 * the one with fewer calls waiting) or round-robin.
 * @param connectTimeout How long opening the connection may take.
 * @param timeout How long a call may wait for its reply, unless the call sets its own.
 * @param maxMessageSize Largest reply accepted; a larger one breaks the connection.
 * @param maxPendingCalls Calls a template lets wait for their replies at once (and requests wait
 * to be written); past it a call fails at once, naming this limit.
 * @param ioThreads I/O threads shared by the application's templates; 0 means one per CPU.
 * @param protocol The dialect templates speak: go (Go's net/rpc/jsonrpc) or json-rpc-2.
 * @param ssl TLS to the server, off unless rpc.client.ssl.bundle names an SSL bundle.
 * @param retry Which calls are sent again to another server when their connection dies before the reply.
 * @param reconnect How a server whose connection failed is tried again, in the background.
 * @param keepAlive TCP keepalive, so that a server gone silent (no FIN, no RST) is found out.
 * @param maxConsecutiveTimeouts Deadline expiries in a row, with no reply in between, after which a
 * connection takes no new calls (its server went silent); its calls fail at their deadlines.
 * @param transport Netty's transport for the application's templates (their shared I/O threads):
 * auto (epoll where its native jar and the kernel have it, else nio), nio, epoll or io-uring
 * (opt-in); a native one asked for and not available fails the start with the reason.
 */
@ConfigurationProperties("rpc.client")
public record RpcClientProperties(@DefaultValue("localhost") String host, @DefaultValue("1337") int port,
		@DefaultValue("2s") Duration connectTimeout, @DefaultValue("10s") Duration timeout,
		@DefaultValue("16MB") DataSize maxMessageSize, @DefaultValue("10000") int maxPendingCalls,
		@DefaultValue("0") int ioThreads,
		@DefaultValue("go") RpcProtocol protocol, @DefaultValue Ssl ssl, String serviceId,
		@DefaultValue("30s") Duration resolveInterval, @DefaultValue("least-pending") RpcBalancer balancer,
		@DefaultValue Retry retry, @DefaultValue Reconnect reconnect, @DefaultValue KeepAlive keepAlive,
		@DefaultValue("3") int maxConsecutiveTimeouts, @DefaultValue("auto") RpcTransport transport) {

	/**
	 * Retries, for calls that are safe to run twice.
	 *
	 * @param idempotentMethods Wire names (Service.Method) of the methods whose calls are sent again
	 * to another server when their connection dies before the reply (@RpcExchange(idempotent = true)
	 * marks a client method so too). A call the server refused without running it is always sent again.
	 * @param maxAttempts The most times one call is sent, the first included, all within its deadline.
	 * @param budget Retries stop while too many calls fail, so that an outage never multiplies the load.
	 */
	public record Retry(@DefaultValue List<String> idempotentMethods, @DefaultValue("3") int maxAttempts,
			@DefaultValue Budget budget) {

	}

	/**
	 * gRPC's retry throttling: a bucket of tokens, one taken by every call that fails for its
	 * connection, tokenRatio given back by every reply; retries only while more than half are left.
	 *
	 * @param maxTokens The bucket's size.
	 * @param tokenRatio What each reply gives back.
	 */
	public record Budget(@DefaultValue("100") int maxTokens, @DefaultValue("0.1") double tokenRatio) {

	}

	/**
	 * Reconnecting to a server whose connection failed, in the background; calls go to the others meanwhile.
	 *
	 * @param initialBackoff The wait before the first new attempt, doubled (with 20 % jitter) after each failed one.
	 * @param maxBackoff The longest wait between attempts.
	 */
	public record Reconnect(@DefaultValue("100ms") Duration initialBackoff, @DefaultValue("5s") Duration maxBackoff) {

	}

	/**
	 * TCP keepalive on every connection (the timers where the OS lets them be set, as Linux does).
	 *
	 * @param idle Idle time before the first probe.
	 * @param interval Time between probes.
	 * @param count Probes unanswered before the connection is dropped.
	 */
	public record KeepAlive(@DefaultValue("5s") Duration idle, @DefaultValue("1s") Duration interval,
			@DefaultValue("3") int count) {

	}

	/**
	 * TLS to the server.
	 *
	 * @param bundle The spring.ssl.bundle.* bundle whose trust store holds the CAs the
	 * server's certificate must chain to, and whose key store, when it has one, holds the
	 * certificate presented for mutual TLS; unset means plain TCP.
	 * @param serverName The name the server's certificate must hold (and the SNI sent), when not
	 * the host called; host-name verification is always on.
	 * @param provider The TLS implementation: auto (OpenSSL, i.e. BoringSSL, where
	 * netty-tcnative-boringssl-static loads, else the JDK's), jdk or openssl (fails where it cannot load).
	 */
	public record Ssl(String bundle, String serverName, @DefaultValue("auto") RpcSslProvider provider) {

		public boolean enabled() {
			return this.bundle != null && !this.bundle.isBlank();
		}

	}

}
