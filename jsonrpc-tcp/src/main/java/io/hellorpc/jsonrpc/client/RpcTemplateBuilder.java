package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.transport.RpcSslProvider;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.unit.DataSize;

/**
 * Builds {@link RpcTemplate}s, as Spring's {@code RestClient.Builder}: every setting method
 * changes this builder and returns it, and {@link #clone()} copies it. The auto-configured one is
 * a prototype bean: each injection point gets a builder of its own, {@code rpc.client.*} and every
 * {@link RpcTemplateCustomizer} applied, to change freely. Not thread-safe.
 */
public final class RpcTemplateBuilder {

	private String host = "localhost";

	private int port = 1337;

	private Duration connectTimeout = Duration.ofSeconds(2);

	private Duration timeout = Duration.ofSeconds(10);

	private DataSize maxMessageSize = DataSize.ofMegabytes(16);

	private JsonRpcCodec codec;

	private ObservationRegistry observations = ObservationRegistry.NOOP;

	private Executor executor;

	private RpcClientResources resources;

	private RpcProtocol protocol = RpcProtocol.GO;

	private SslBundle sslBundle;

	private String serverName;

	private RpcSslProvider sslProvider = RpcSslProvider.AUTO;

	private int maxPendingCalls = 10_000;

	/** What messages call the servers; {@code host:port} unless {@link #addresses} named them. */
	private String name;

	/** {@code null}: every address of {@code host}. */
	private RpcAddressResolver resolver;

	private Duration resolveInterval = Duration.ofSeconds(30);

	private RpcBalancer balancer = RpcBalancer.LEAST_PENDING;

	private Set<String> idempotentMethods = Set.of();

	private int maxAttempts = 3;

	private int retryMaxTokens = 100;

	private double retryTokenRatio = 0.1;

	private Duration initialBackoff = Duration.ofMillis(100);

	private Duration maxBackoff = Duration.ofSeconds(5);

	private Duration keepAliveIdle = Duration.ofSeconds(5);

	private Duration keepAliveInterval = Duration.ofSeconds(1);

	private int keepAliveCount = 3;

	private int maxConsecutiveTimeouts = 3;

	/** A builder with {@code rpc.client.*}'s defaults: localhost:1337, 2 s to connect, 10 s a call, plain TCP. */
	public RpcTemplateBuilder() {
		this.codec = new JsonRpcCodec(GoJson.mapper());
	}

	private RpcTemplateBuilder(RpcTemplateBuilder from) {
		this.host = from.host;
		this.port = from.port;
		this.connectTimeout = from.connectTimeout;
		this.timeout = from.timeout;
		this.maxMessageSize = from.maxMessageSize;
		this.codec = from.codec;
		this.observations = from.observations;
		this.executor = from.executor;
		this.resources = from.resources;
		this.protocol = from.protocol;
		this.sslBundle = from.sslBundle;
		this.serverName = from.serverName;
		this.maxPendingCalls = from.maxPendingCalls;
		this.name = from.name;
		this.resolver = from.resolver;
		this.resolveInterval = from.resolveInterval;
		this.balancer = from.balancer;
		this.idempotentMethods = from.idempotentMethods;
		this.maxAttempts = from.maxAttempts;
		this.retryMaxTokens = from.retryMaxTokens;
		this.retryTokenRatio = from.retryTokenRatio;
		this.initialBackoff = from.initialBackoff;
		this.maxBackoff = from.maxBackoff;
		this.keepAliveIdle = from.keepAliveIdle;
		this.keepAliveInterval = from.keepAliveInterval;
		this.keepAliveCount = from.keepAliveCount;
		this.maxConsecutiveTimeouts = from.maxConsecutiveTimeouts;
	}

	/** An independent copy of this builder, to change without changing this one. */
	@Override
	public RpcTemplateBuilder clone() {
		return new RpcTemplateBuilder(this);
	}

	/** Applies {@code change} to this builder, as {@code RestClient.Builder.apply} does. */
	public RpcTemplateBuilder apply(Consumer<RpcTemplateBuilder> change) {
		change.accept(this);
		return this;
	}

	/**
	 * Takes the settings of {@code rpc.client.*} but its SSL bundle and service id, which are
	 * names: the auto-configured builder resolves them and sets them with
	 * {@link #ssl(SslBundle, String)} and {@link #addresses}.
	 */
	public RpcTemplateBuilder properties(RpcClientProperties properties) {
		address(properties.host(), properties.port());
		this.connectTimeout = properties.connectTimeout();
		this.timeout = properties.timeout();
		this.maxMessageSize = properties.maxMessageSize();
		this.protocol = properties.protocol();
		resolveInterval(properties.resolveInterval());
		balancer(properties.balancer());
		retry(properties.retry());
		reconnect(properties.reconnect());
		keepAlive(properties.keepAlive());
		maxConsecutiveTimeouts(properties.maxConsecutiveTimeouts());
		sslProvider(properties.ssl().provider());
		return maxPendingCalls(properties.maxPendingCalls());
	}

	RpcTemplateBuilder retry(RpcClientProperties.Retry retry) {
		idempotentMethods(retry.idempotentMethods());
		maxAttempts(retry.maxAttempts());
		return retryBudget(retry.budget().maxTokens(), retry.budget().tokenRatio());
	}

	RpcTemplateBuilder reconnect(RpcClientProperties.Reconnect reconnect) {
		return reconnectBackoff(reconnect.initialBackoff(), reconnect.maxBackoff());
	}

	RpcTemplateBuilder keepAlive(RpcClientProperties.KeepAlive keepAlive) {
		return keepAlive(keepAlive.idle(), keepAlive.interval(), keepAlive.count());
	}

	/**
	 * The dialect the template speaks: Go's {@code net/rpc/jsonrpc} (the default) or JSON-RPC 2.0,
	 * which adds error codes, {@link RpcTemplate#sendNotification notifications} and {@link RpcTemplate#batch batches}.
	 */
	public RpcTemplateBuilder protocol(RpcProtocol protocol) {
		this.protocol = protocol;
		return this;
	}

	/**
	 * The servers: every address {@code host} resolves to (a Kubernetes headless Service or a
	 * scaled Docker Compose service names several), each on {@code port}.
	 */
	public RpcTemplateBuilder address(String host, int port) {
		this.host = host;
		this.port = port;
		this.name = null;
		this.resolver = null;
		return this;
	}

	/**
	 * The servers, as {@code resolver} finds them (asked again every {@link #resolveInterval});
	 * {@code name} is what errors and {@link RpcTemplate#address()} call them.
	 */
	public RpcTemplateBuilder addresses(String name, RpcAddressResolver resolver) {
		if (name == null || name.isBlank() || resolver == null) {
			throw new IllegalArgumentException("addresses need a name and a resolver");
		}
		this.name = name;
		this.resolver = resolver;
		return this;
	}

	/** How often the servers' addresses are resolved again (also after a connection fails). */
	public RpcTemplateBuilder resolveInterval(Duration resolveInterval) {
		this.resolveInterval = positive("resolveInterval", resolveInterval);
		return this;
	}

	/** How calls are spread over the servers; {@link RpcBalancer#LEAST_PENDING} by default. */
	public RpcTemplateBuilder balancer(RpcBalancer balancer) {
		this.balancer = balancer;
		return this;
	}

	/**
	 * The methods (wire names, {@code Service.Method}) safe to run twice: a call of one whose
	 * connection dies before the reply is sent again to another server, within its deadline,
	 * {@link #maxAttempts} and the {@link #retryBudget}. None by default.
	 */
	public RpcTemplateBuilder idempotentMethods(Collection<String> methods) {
		this.idempotentMethods = Set.copyOf(methods);
		return this;
	}

	/** The most times one call is sent, the first included (3 by default). */
	public RpcTemplateBuilder maxAttempts(int maxAttempts) {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
		}
		this.maxAttempts = maxAttempts;
		return this;
	}

	/**
	 * gRPC's retry throttling: every call failing for its connection takes a token, every reply
	 * gives back {@code tokenRatio}; calls are retried only while more than half of
	 * {@code maxTokens} are left (100 and 0.1 by default).
	 */
	public RpcTemplateBuilder retryBudget(int maxTokens, double tokenRatio) {
		if (maxTokens < 1 || !(tokenRatio > 0)) {
			throw new IllegalArgumentException("a retry budget needs maxTokens >= 1 and tokenRatio > 0");
		}
		this.retryMaxTokens = maxTokens;
		this.retryTokenRatio = tokenRatio;
		return this;
	}

	/**
	 * How a server whose connection failed is tried again, in the background: after
	 * {@code initial}, doubled with 20 % jitter after each failed attempt, up to {@code max}.
	 */
	public RpcTemplateBuilder reconnectBackoff(Duration initial, Duration max) {
		this.initialBackoff = positive("initial backoff", initial);
		this.maxBackoff = positive("max backoff", max);
		return this;
	}

	/** TCP keepalive timers, where the OS lets them be set (Linux does): a silent server is dropped after idle + interval x count. */
	public RpcTemplateBuilder keepAlive(Duration idle, Duration interval, int count) {
		this.keepAliveIdle = positive("keep-alive idle", idle);
		this.keepAliveInterval = positive("keep-alive interval", interval);
		if (count < 1) {
			throw new IllegalArgumentException("keep-alive count must be at least 1, not " + count);
		}
		this.keepAliveCount = count;
		return this;
	}

	/**
	 * Deadline expiries in a row on one connection, with no reply in between, after which it takes
	 * no new calls: its server went silent. Its calls fail at their deadlines (idempotent ones are
	 * sent elsewhere at once); the server is connected to again in the background.
	 */
	public RpcTemplateBuilder maxConsecutiveTimeouts(int maxConsecutiveTimeouts) {
		if (maxConsecutiveTimeouts < 1) {
			throw new IllegalArgumentException("maxConsecutiveTimeouts must be at least 1, not " + maxConsecutiveTimeouts);
		}
		this.maxConsecutiveTimeouts = maxConsecutiveTimeouts;
		return this;
	}

	private static Duration positive(String what, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(what + " must be positive, not " + value);
		}
		return value;
	}

	/** How long opening a connection may take, its TLS handshake included. */
	public RpcTemplateBuilder connectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
		return this;
	}

	/** The deadline of calls that set none of their own. */
	public RpcTemplateBuilder timeout(Duration timeout) {
		this.timeout = timeout;
		return this;
	}

	/**
	 * How many calls may wait for their replies at once (and requests to be written); past it a
	 * call fails at once with an {@link RpcException} naming the limit rather than queue without
	 * bound behind a server that does not keep up.
	 */
	public RpcTemplateBuilder maxPendingCalls(int maxPendingCalls) {
		if (maxPendingCalls < 1) {
			throw new IllegalArgumentException("maxPendingCalls must be at least 1, not " + maxPendingCalls);
		}
		this.maxPendingCalls = maxPendingCalls;
		return this;
	}

	/** The largest reply accepted; a larger one breaks the connection. */
	public RpcTemplateBuilder maxMessageSize(DataSize maxMessageSize) {
		this.maxMessageSize = maxMessageSize;
		return this;
	}

	public RpcTemplateBuilder codec(JsonRpcCodec codec) {
		this.codec = codec;
		return this;
	}

	/** Where calls are observed ({@code rpc.client.requests}); none by default. */
	public RpcTemplateBuilder observationRegistry(ObservationRegistry observations) {
		this.observations = observations;
		return this;
	}

	/**
	 * Where {@code callAsync} futures complete and so where their callbacks run. By default each
	 * template has its own: virtual threads on Java 21+, else a pool of daemon threads that grows
	 * as callbacks block; either is shut down with the template. One given here is not, and its
	 * {@code execute} must not block: it is called from the I/O thread that read the reply.
	 */
	public RpcTemplateBuilder executor(Executor executor) {
		this.executor = executor;
		return this;
	}

	/**
	 * The I/O threads the template's connection runs on; by default the process's
	 * {@link RpcClientResources#shared() shared} ones, and the application's with the
	 * auto-configured builder. Closing the template does not close them.
	 */
	public RpcTemplateBuilder resources(RpcClientResources resources) {
		this.resources = resources;
		return this;
	}

	/**
	 * Calls over TLS: the bundle's trust store holds the CAs the server's certificate must chain
	 * to, and its key store, when it has one, the certificate presented for mutual TLS. The
	 * server's certificate must name the host called; {@code null} turns TLS off.
	 */
	public RpcTemplateBuilder ssl(SslBundle bundle) {
		return ssl(bundle, null);
	}

	/**
	 * As {@link #ssl(SslBundle)}, the server's certificate having to name {@code serverName} (also
	 * sent as SNI) rather than the host called: for a server reached by an address its
	 * certificate does not hold, as Go's {@code tls.Config.ServerName}.
	 */
	public RpcTemplateBuilder ssl(SslBundle bundle, String serverName) {
		this.sslBundle = bundle;
		this.serverName = (serverName != null && !serverName.isBlank()) ? serverName : null;
		return this;
	}

	/**
	 * The TLS implementation of {@link #ssl(SslBundle) ssl} calls: by default OpenSSL (BoringSSL)
	 * where {@code netty-tcnative-boringssl-static} loads, else the JDK's.
	 */
	public RpcTemplateBuilder sslProvider(RpcSslProvider provider) {
		this.sslProvider = Objects.requireNonNull(provider, "provider");
		return this;
	}

	String host() {
		return this.host;
	}

	int port() {
		return this.port;
	}

	/** A new template; it connects on its first call. Close it (or let the context do so) when done. */
	public RpcTemplate build() {
		ClientTls tls = (this.sslBundle != null) ? new ClientTls(this.sslBundle, this.serverName, this.sslProvider) : null;
		String name = (this.name != null) ? this.name : this.host + ":" + this.port;
		RpcAddressResolver resolver = (this.resolver != null) ? this.resolver : RpcAddressResolver.dns(this.host, this.port);
		RpcClientResources resources = (this.resources != null) ? this.resources : RpcClientResources.shared();
		RetryPolicy retry = new RetryPolicy(this.idempotentMethods, this.maxAttempts, this.retryMaxTokens,
				this.retryTokenRatio);
		CallRouter router = new CallRouter(name, resolver, this.resolveInterval, this.balancer, this.maxPendingCalls,
				retry, ClientSockets.bootstrap(resources.nettyTransport(), this.connectTimeout, this.keepAliveIdle, this.keepAliveInterval,
						this.keepAliveCount),
				resources.eventLoops(), backOff(), this.codec, (int) this.maxMessageSize.toBytes(),
				this.maxConsecutiveTimeouts, tls, this.connectTimeout.toMillis());
		ExecutorService own = (this.executor != null) ? null : defaultExecutor();
		return new RpcTemplate(router, this.codec, new CallObservations(this.observations, this.protocol), this.timeout,
				this.protocol, (own != null) ? own : this.executor, own, this.idempotentMethods);
	}

	/** Doubling from the initial backoff up to the max, each wait 20 % longer or shorter at random. */
	private ExponentialBackOff backOff() {
		ExponentialBackOff backOff = new ExponentialBackOff(this.initialBackoff.toMillis(), 2.0);
		backOff.setMaxInterval(Math.max(this.initialBackoff.toMillis(), this.maxBackoff.toMillis()));
		backOff.setJitter(this.initialBackoff.toMillis() / 5);
		return backOff;
	}

	/** Virtual threads where the JDK has them (21+; looked up, since this is compiled for 17), else daemon threads. */
	private static ExecutorService defaultExecutor() {
		try {
			return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
		}
		catch (ReflectiveOperationException ex) {
			AtomicInteger count = new AtomicInteger();
			return Executors.newCachedThreadPool((task) -> {
				Thread thread = new Thread(task, "rpc-client-callback-" + count.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			});
		}
	}

}
