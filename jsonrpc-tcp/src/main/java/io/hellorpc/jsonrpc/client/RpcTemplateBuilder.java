package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.boot.ssl.SslBundle;
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

	private int maxPendingCalls = 10_000;

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
	 * Takes the settings of {@code rpc.client.*} but its SSL bundle, which is a name: the
	 * auto-configured builder resolves it and sets it with {@link #ssl(SslBundle, String)}.
	 */
	public RpcTemplateBuilder properties(RpcClientProperties properties) {
		address(properties.host(), properties.port());
		this.connectTimeout = properties.connectTimeout();
		this.timeout = properties.timeout();
		this.maxMessageSize = properties.maxMessageSize();
		this.protocol = properties.protocol();
		return maxPendingCalls(properties.maxPendingCalls());
	}

	/**
	 * The dialect the template speaks: Go's {@code net/rpc/jsonrpc} (the default) or JSON-RPC 2.0,
	 * which adds error codes, {@link RpcTemplate#sendNotification notifications} and {@link RpcTemplate#batch batches}.
	 */
	public RpcTemplateBuilder protocol(RpcProtocol protocol) {
		this.protocol = protocol;
		return this;
	}

	public RpcTemplateBuilder address(String host, int port) {
		this.host = host;
		this.port = port;
		return this;
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

	String host() {
		return this.host;
	}

	int port() {
		return this.port;
	}

	/** A new template; it connects on its first call. Close it (or let the context do so) when done. */
	public RpcTemplate build() {
		ClientTls tls = (this.sslBundle != null) ? new ClientTls(this.sslBundle, this.serverName) : null;
		String address = this.host + ":" + this.port;
		PendingCalls calls = new PendingCalls(this.maxPendingCalls, address);
		RpcConnector connector = new RpcConnector(this.host, this.port, this.connectTimeout,
				(int) this.maxMessageSize.toBytes(), this.maxPendingCalls, this.codec, calls,
				(this.resources != null) ? this.resources : RpcClientResources.shared(), tls);
		ExecutorService own = (this.executor != null) ? null : defaultExecutor();
		return new RpcTemplate(connector, calls, this.codec, new CallObservations(this.observations, this.protocol),
				this.timeout, this.protocol, (own != null) ? own : this.executor, own);
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
