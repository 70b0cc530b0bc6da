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
 * Builds {@link RpcTemplate}s. Immutable: every setting method returns a new builder, so the
 * auto-configured one can be shared and specialised freely, as Boot's {@code RestTemplateBuilder}.
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
	}

	private RpcTemplateBuilder with(Consumer<RpcTemplateBuilder> change) {
		RpcTemplateBuilder copy = new RpcTemplateBuilder(this);
		change.accept(copy);
		return copy;
	}

	/**
	 * Takes the settings of {@code rpc.client.*} but its SSL bundle, which is a name: the
	 * auto-configured builder resolves it and sets it with {@link #ssl(SslBundle, String)}.
	 */
	public RpcTemplateBuilder properties(RpcClientProperties properties) {
		return with((builder) -> {
			builder.host = properties.host();
			builder.port = properties.port();
			builder.connectTimeout = properties.connectTimeout();
			builder.timeout = properties.timeout();
			builder.maxMessageSize = properties.maxMessageSize();
			builder.protocol = properties.protocol();
		});
	}

	/**
	 * The dialect the template speaks: Go's {@code net/rpc/jsonrpc} (the default) or JSON-RPC 2.0,
	 * which adds error codes, {@link RpcTemplate#notify notifications} and {@link RpcTemplate#batch batches}.
	 */
	public RpcTemplateBuilder protocol(RpcProtocol protocol) {
		return with((builder) -> builder.protocol = protocol);
	}

	public RpcTemplateBuilder address(String host, int port) {
		return with((builder) -> {
			builder.host = host;
			builder.port = port;
		});
	}

	/** How long opening a connection may take, its TLS handshake included. */
	public RpcTemplateBuilder connectTimeout(Duration connectTimeout) {
		return with((builder) -> builder.connectTimeout = connectTimeout);
	}

	/** The deadline of calls that set none of their own. */
	public RpcTemplateBuilder timeout(Duration timeout) {
		return with((builder) -> builder.timeout = timeout);
	}

	/** The largest reply accepted; a larger one breaks the connection. */
	public RpcTemplateBuilder maxMessageSize(DataSize maxMessageSize) {
		return with((builder) -> builder.maxMessageSize = maxMessageSize);
	}

	public RpcTemplateBuilder codec(JsonRpcCodec codec) {
		return with((builder) -> builder.codec = codec);
	}

	/** Where calls are observed ({@code rpc.client.requests}); none by default. */
	public RpcTemplateBuilder observationRegistry(ObservationRegistry observations) {
		return with((builder) -> builder.observations = observations);
	}

	/**
	 * Where {@code callAsync} futures complete and so where their callbacks run. By default each
	 * template has its own: virtual threads on Java 21+, else a pool of daemon threads that grows
	 * as callbacks block; either is shut down with the template. One given here is not.
	 */
	public RpcTemplateBuilder executor(Executor executor) {
		return with((builder) -> builder.executor = executor);
	}

	/**
	 * The I/O threads to share with other templates; without them, each template has an I/O thread
	 * of its own. The auto-configured builder has the application's.
	 */
	public RpcTemplateBuilder resources(RpcClientResources resources) {
		return with((builder) -> builder.resources = resources);
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
		return with((builder) -> {
			builder.sslBundle = bundle;
			builder.serverName = (serverName != null && !serverName.isBlank()) ? serverName : null;
		});
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
		PendingCalls calls = new PendingCalls();
		RpcConnector connector = new RpcConnector(this.host, this.port, this.connectTimeout,
				(int) this.maxMessageSize.toBytes(), this.codec, calls, this.resources, tls);
		ExecutorService own = (this.executor != null) ? null : defaultExecutor();
		return new RpcTemplate(connector, calls, this.codec, this.timeout, this.protocol, this.observations,
				(own != null) ? own : this.executor, own);
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
