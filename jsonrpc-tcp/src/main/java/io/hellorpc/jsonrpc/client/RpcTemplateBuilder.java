package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.util.unit.DataSize;

/**
 * Builds {@link RpcTemplate}s. Immutable: every {@code with} method returns a new builder, so the
 * auto-configured one can be shared and specialised freely, as Boot's {@code RestTemplateBuilder}.
 */
public final class RpcTemplateBuilder {

	private final String host;

	private final int port;

	private final Duration connectTimeout;

	private final Duration timeout;

	private final DataSize maxMessageSize;

	private final JsonRpcCodec codec;

	private final ObservationRegistry observations;

	private final Executor executor;

	private final RpcClientResources resources;

	private final RpcProtocol protocol;

	/** A builder with {@code rpc.client.*}'s defaults: localhost:1337, 2 s to connect, 10 s a call. */
	public RpcTemplateBuilder() {
		this("localhost", 1337, Duration.ofSeconds(2), Duration.ofSeconds(10), DataSize.ofMegabytes(16),
				new JsonRpcCodec(GoJson.mapper()), ObservationRegistry.NOOP, null, null, RpcProtocol.GO);
	}

	private RpcTemplateBuilder(String host, int port, Duration connectTimeout, Duration timeout, DataSize maxMessageSize,
			JsonRpcCodec codec, ObservationRegistry observations, Executor executor, RpcClientResources resources,
			RpcProtocol protocol) {
		this.host = host;
		this.port = port;
		this.connectTimeout = connectTimeout;
		this.timeout = timeout;
		this.maxMessageSize = maxMessageSize;
		this.codec = codec;
		this.observations = observations;
		this.executor = executor;
		this.resources = resources;
		this.protocol = protocol;
	}

	/** Takes every setting of {@code rpc.client.*}. */
	public RpcTemplateBuilder properties(RpcClientProperties properties) {
		return new RpcTemplateBuilder(properties.host(), properties.port(), properties.connectTimeout(),
				properties.timeout(), properties.maxMessageSize(), this.codec, this.observations, this.executor,
				this.resources, properties.protocol());
	}

	/**
	 * The dialect the template speaks: Go's {@code net/rpc/jsonrpc} (the default) or JSON-RPC 2.0,
	 * which adds error codes, {@link RpcTemplate#notify notifications} and {@link RpcTemplate#batch batches}.
	 */
	public RpcTemplateBuilder protocol(RpcProtocol protocol) {
		return new RpcTemplateBuilder(this.host, this.port, this.connectTimeout, this.timeout, this.maxMessageSize,
				this.codec, this.observations, this.executor, this.resources, protocol);
	}

	public RpcTemplateBuilder address(String host, int port) {
		return new RpcTemplateBuilder(host, port, this.connectTimeout, this.timeout, this.maxMessageSize, this.codec,
				this.observations, this.executor, this.resources, this.protocol);
	}

	public RpcTemplateBuilder connectTimeout(Duration connectTimeout) {
		return new RpcTemplateBuilder(this.host, this.port, connectTimeout, this.timeout, this.maxMessageSize,
				this.codec, this.observations, this.executor, this.resources, this.protocol);
	}

	/** The deadline of calls that set none of their own. */
	public RpcTemplateBuilder timeout(Duration timeout) {
		return new RpcTemplateBuilder(this.host, this.port, this.connectTimeout, timeout, this.maxMessageSize,
				this.codec, this.observations, this.executor, this.resources, this.protocol);
	}

	public RpcTemplateBuilder codec(JsonRpcCodec codec) {
		return new RpcTemplateBuilder(this.host, this.port, this.connectTimeout, this.timeout, this.maxMessageSize,
				codec, this.observations, this.executor, this.resources, this.protocol);
	}

	/** Where calls are observed ({@code rpc.client.requests}); none by default. */
	public RpcTemplateBuilder observationRegistry(ObservationRegistry observations) {
		return new RpcTemplateBuilder(this.host, this.port, this.connectTimeout, this.timeout, this.maxMessageSize,
				this.codec, observations, this.executor, this.resources, this.protocol);
	}

	/**
	 * Where {@code callAsync} futures complete and so where their callbacks run. By default each
	 * template has its own: virtual threads on Java 21+, else a pool of daemon threads that grows
	 * as callbacks block; either is shut down with the template. One given here is not.
	 */
	public RpcTemplateBuilder executor(Executor executor) {
		return new RpcTemplateBuilder(this.host, this.port, this.connectTimeout, this.timeout, this.maxMessageSize,
				this.codec, this.observations, executor, this.resources, this.protocol);
	}

	/**
	 * The I/O threads to share with other templates; without them, each template has an I/O thread
	 * of its own. The auto-configured builder has the application's.
	 */
	public RpcTemplateBuilder resources(RpcClientResources resources) {
		return new RpcTemplateBuilder(this.host, this.port, this.connectTimeout, this.timeout, this.maxMessageSize,
				this.codec, this.observations, this.executor, resources, this.protocol);
	}

	/** A new template; it connects on its first call. Close it (or let the context do so) when done. */
	public RpcTemplate build() {
		PendingCalls calls = new PendingCalls();
		RpcConnector connector = new RpcConnector(this.host, this.port, this.connectTimeout,
				(int) this.maxMessageSize.toBytes(), this.codec, calls, this.resources);
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
