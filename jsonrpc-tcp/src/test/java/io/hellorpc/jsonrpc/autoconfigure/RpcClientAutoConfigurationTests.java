package io.hellorpc.jsonrpc.autoconfigure;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hellorpc.jsonrpc.client.ImportRpcServices;
import io.hellorpc.jsonrpc.client.RpcClientResources;
import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcExchange;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.client.RpcTemplateCustomizer;
import io.hellorpc.jsonrpc.client.RpcTimeoutException;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.support.TestCertificates;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import io.hellorpc.jsonrpc.transport.RpcTransport;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code rpc.client.*} and the beans of {@link RpcClientAutoConfiguration}, proven on real calls to
 * a raw peer on loopback: what the peer receives, what the client accepts, and which threads do the
 * client's I/O.
 */
class RpcClientAutoConfigurationTests {

	private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

	private static final Pattern NAME = Pattern.compile("\"Name\":\"(\\w*)\"");

	/** The I/O threads of a template: {@code rpc-client-<pool>-<thread>}, one pool per event-loop group. */
	private static final Pattern IO_THREAD = Pattern.compile("rpc-client-(\\d+)-\\d+");

	private static final String SKELETON = "{\"id\":0,\"result\":{\"Message\":\"\"},\"error\":null}";

	private final ApplicationContextRunner contexts = new ApplicationContextRunner().withConfiguration(AutoConfigurations
		.of(JsonRpcAutoConfiguration.class, SslAutoConfiguration.class, RpcClientAutoConfiguration.class));

	@RpcExchange("Handler")
	interface DefaultGreeter {

		Response execute(Request request);

		@RpcExchange("Handler.Execute")
		CompletableFuture<Response> executeLater(Request request);

	}

	@RpcExchange("Handler")
	interface SecondGreeter {

		Response execute(Request request);

		@RpcExchange("Handler.Execute")
		CompletableFuture<Response> executeLater(Request request);

	}

	/** The default group ({@code rpc.client.*}) and a group of its own ({@code rpc.client.second.*}). */
	@Configuration(proxyBeanMethods = false)
	@ImportRpcServices(types = DefaultGreeter.class)
	@ImportRpcServices(group = "second", types = SecondGreeter.class)
	static class Clients {

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		@Bean
		RpcTemplateCustomizer jsonRpc2() {
			return (builder) -> builder.protocol(RpcProtocol.JSON_RPC_2);
		}

		@Bean
		RpcTemplateCustomizer shortDeadline() {
			return (builder) -> builder.timeout(Duration.ofMillis(2000));
		}

	}

	@Test
	void maxMessageSizeIsTheLargestReplyAcceptedAndOneByteMoreBreaksTheConnectionNamingTheLimit() throws Exception {
		// A reply of exactly the limit, then one a byte larger, as the request's name asks.
		try (RawPeer peer = new RawPeer((request) -> sizedGoReply(id(request), name(request).equals("fits") ? 1024 : 1025))) {
			this.contexts.withPropertyValues(address(peer)).withPropertyValues("rpc.client.max-message-size=1KB").run((context) -> {
				try (RpcTemplate rpc = context.getBean(RpcTemplateBuilder.class).build()) {
					assertThat(rpc.call("Handler.Execute", new Request("fits"), Response.class).message())
						.hasSize(1024 - SKELETON.length());
					assertThatExceptionOfType(RpcConnectionException.class)
						.isThrownBy(() -> rpc.call("Handler.Execute", new Request("over"), Response.class))
						.withMessage("connection to 127.0.0.1:" + peer.port() + " broken: message larger than 1024 bytes");
				}
			});
		}
	}

	@Test
	void connectTimeoutEndsAConnectionAttemptTheListenerNeverAnswersAndTheErrorNamesIt() throws Exception {
		// A listener whose accept queue is full: the kernel drops the template's SYN, so the
		// connection is never made and only the connect timeout (not the call's 1 min deadline) ends it.
		try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			List<Socket> backlog = fillBacklog(listener.getLocalPort());
			try {
				this.contexts
					.withPropertyValues("rpc.client.host=127.0.0.1", "rpc.client.port=" + listener.getLocalPort(),
							"rpc.client.connect-timeout=300ms", "rpc.client.timeout=2s")
					.run((context) -> {
						try (RpcTemplate rpc = context.getBean(RpcTemplateBuilder.class).build()) {
							int port = listener.getLocalPort();
							assertThatExceptionOfType(RpcConnectionException.class)
								.isThrownBy(() -> rpc.call("Handler.Execute", new Request("x"), Response.class))
								.withMessageStartingWith("cannot reach 127.0.0.1:" + port + " within 2000 ms: 127.0.0.1:" + port
										+ " (connection timed out after 300 ms");
						}
					});
			}
			finally {
				for (Socket socket : backlog) {
					socket.close();
				}
			}
		}
	}

	@Test
	void connectTimeoutAlsoBoundsTheTlsHandshake() throws Exception {
		// The kernel completes the TCP connection to a listener nobody accepts on; nobody answers the ClientHello.
		try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			TestCertificates certificates = TestCertificates.get();
			this.contexts
				.withPropertyValues(TestCertificates.bundleProperties("trusting", null, certificates.ca())
					.toArray(String[]::new))
				.withPropertyValues("rpc.client.host=127.0.0.1", "rpc.client.port=" + listener.getLocalPort(),
						"rpc.client.ssl.bundle=trusting", "rpc.client.connect-timeout=300ms", "rpc.client.timeout=2s")
				.run((context) -> {
					try (RpcTemplate rpc = context.getBean(RpcTemplateBuilder.class).build()) {
						int port = listener.getLocalPort();
						assertThatExceptionOfType(RpcConnectionException.class)
							.isThrownBy(() -> rpc.call("Handler.Execute", new Request("x"), Response.class))
							.withMessageStartingWith("cannot reach 127.0.0.1:" + port + " within 2000 ms: 127.0.0.1:" + port
									+ " (TLS handshake failed: handshake timed out after 300ms");
					}
				});
		}
	}

	@Test
	void ioThreadsIsHowManyIoThreadsTheApplicationsTemplatesShare() throws Exception {
		int ioThreads = Runtime.getRuntime().availableProcessors() + 1;
		assertThat(ioThreadPoolsAfterCallingOnTemplates(2 * ioThreads, "rpc.client.io-threads=" + ioThreads))
			.containsExactly(ioThreads);
	}

	@Test
	void ioThreadsZeroIsOnePerCpu() throws Exception {
		int cpus = Runtime.getRuntime().availableProcessors();
		assertThat(ioThreadPoolsAfterCallingOnTemplates(2 * cpus + 1, "rpc.client.io-threads=0")).containsExactly(cpus);
	}

	@Test
	void transportIsTheOneTheApplicationsTemplatesCallOn() throws Exception {
		try (RawPeer peer = new RawPeer(RpcClientAutoConfigurationTests::helloReply)) {
			for (String transport : List.of("nio", "auto")) {
				this.contexts.withPropertyValues(address(peer)).withPropertyValues("rpc.client.transport=" + transport).run((context) -> {
					RpcClientResources resources = context.getBean(RpcClientResources.class);
					assertThat(resources.transport()).isEqualTo(transport.equals("nio") ? RpcTransport.NIO
							: io.netty.channel.epoll.Epoll.isAvailable() ? RpcTransport.EPOLL : RpcTransport.NIO);
					try (RpcTemplate rpc = context.getBean(RpcTemplateBuilder.class).build()) {
						assertThat(rpc.call("Handler.Execute", Map.of("Name", "x"), Map.class)).containsKey("Message");
					}
				});
			}
		}
	}

	/** The sizes of the I/O thread pools that appeared while {@code templates} templates of a new context each made a call. */
	private List<Integer> ioThreadPoolsAfterCallingOnTemplates(int templates, String ioThreads) throws Exception {
		try (RawPeer peer = new RawPeer(RpcClientAutoConfigurationTests::helloReply)) {
			Set<Thread> before = ioThreads();
			List<Integer> pools = new ArrayList<>();
			this.contexts.withPropertyValues(address(peer)).withPropertyValues(ioThreads).run((context) -> {
				List<RpcTemplate> built = new ArrayList<>();
				try {
					for (int i = 0; i < templates; i++) {
						RpcTemplate rpc = context.getBean(RpcTemplateBuilder.class).build();
						built.add(rpc);
						assertThat(rpc.call("Handler.Execute", new Request("t" + i), Response.class))
							.isEqualTo(new Response("Hello t" + i));
					}
					pools.addAll(poolSizes(newIoThreads(before)));
				}
				finally {
					built.forEach(RpcTemplate::close);
				}
			});
			return pools;
		}
	}

	@Test
	void theBuildersTemplatesAndTheGroupTemplatesShareTheApplicationsIoThreadsAndOneClosingStopsNone() throws Exception {
		try (RawPeer peer = new RawPeer(RpcClientAutoConfigurationTests::helloReply)) {
			Set<Thread> before = ioThreads();
			this.contexts.withUserConfiguration(Clients.class)
				.withPropertyValues(address(peer))
				.withPropertyValues("rpc.client.io-threads=2")
				.run((context) -> {
					RpcTemplateBuilder builder = context.getBean(RpcTemplateBuilder.class);
					List<RpcTemplate> templates = List.of(builder.build(), builder.build(), builder.build());
					try {
						for (RpcTemplate rpc : templates) {
							assertThat(rpc.call("Handler.Execute", new Request("b"), Response.class)).isEqualTo(new Response("Hello b"));
						}
						assertThat(context.getBean(DefaultGreeter.class).execute(new Request("d"))).isEqualTo(new Response("Hello d"));
						assertThat(context.getBean(SecondGreeter.class).execute(new Request("s"))).isEqualTo(new Response("Hello s"));
						// Five templates, five connections: the application's two I/O threads serve them all.
						assertThat(peer.connections()).isEqualTo(5);
						assertThat(poolSizes(newIoThreads(before))).containsExactly(2);

						// Closing one leaves the threads to the others, the one on the same thread too. (Were
						// that thread stopped, a call there would never end: its deadline is swept there too.)
						templates.get(0).close();
						for (RpcTemplate rpc : templates.subList(1, templates.size())) {
							assertThat(rpc.callAsync("Handler.Execute", new Request("after"), Response.class))
								.succeedsWithin(Duration.ofSeconds(30))
								.isEqualTo(new Response("Hello after"));
						}
						assertThat(context.getBean(DefaultGreeter.class).executeLater(new Request("d2")))
							.succeedsWithin(Duration.ofSeconds(30))
							.isEqualTo(new Response("Hello d2"));
						assertThat(context.getBean(SecondGreeter.class).executeLater(new Request("s2")))
							.succeedsWithin(Duration.ofSeconds(30))
							.isEqualTo(new Response("Hello s2"));
						assertThat(poolSizes(newIoThreads(before))).containsExactly(2);
					}
					finally {
						templates.forEach(RpcTemplate::close);
					}
				});
		}
	}

	@Test
	void everyTemplateCustomizerBeanAppliesToTheBuildersTemplatesAndToEveryGroupsTemplate() throws Exception {
		// Answers in the dialect asked, except to "silent", which it never answers.
		try (RawPeer peer = new RawPeer((request) -> name(request).equals("silent") ? null : helloReply(request))) {
			this.contexts.withUserConfiguration(Clients.class, Customizers.class).withPropertyValues(address(peer)).run((context) -> {
				try (RpcTemplate rpc = context.getBean(RpcTemplateBuilder.class).build()) {
					assertThat(rpc.call("Handler.Execute", new Request("builder"), Response.class))
						.isEqualTo(new Response("Hello builder"));
					assertThat(context.getBean(DefaultGreeter.class).execute(new Request("default")))
						.isEqualTo(new Response("Hello default"));
					assertThat(context.getBean(SecondGreeter.class).execute(new Request("second")))
						.isEqualTo(new Response("Hello second"));
					// The first customizer: every template spoke JSON-RPC 2.0 (rpc.client.protocol is go).
					assertThat(peer.requests()).hasSize(3).allSatisfy((request) -> assertThat(request).contains("\"jsonrpc\":\"2.0\""));
					assertThat(peer.requests()).anySatisfy((request) -> assertThat(request).contains("\"Name\":\"builder\""))
						.anySatisfy((request) -> assertThat(request).contains("\"Name\":\"default\""))
						.anySatisfy((request) -> assertThat(request).contains("\"Name\":\"second\""));
					// The second: every template's deadline is 2 s (rpc.client.timeout is 10 s).
					assertThatExceptionOfType(RpcTimeoutException.class)
						.isThrownBy(() -> rpc.call("Handler.Execute", new Request("silent"), Response.class))
						.withMessage("Handler.Execute to 127.0.0.1:" + peer.port() + " got no reply within 2000 ms");
					assertThatExceptionOfType(RpcTimeoutException.class)
						.isThrownBy(() -> context.getBean(DefaultGreeter.class).execute(new Request("silent")))
						.withMessage("Handler.Execute to 127.0.0.1:" + peer.port() + " got no reply within 2000 ms");
					assertThatExceptionOfType(RpcTimeoutException.class)
						.isThrownBy(() -> context.getBean(SecondGreeter.class).execute(new Request("silent")))
						.withMessage("Handler.Execute to 127.0.0.1:" + peer.port() + " got no reply within 2000 ms");
				}
			});
		}
	}

	private static String[] address(RawPeer peer) {
		return new String[] { "rpc.client.host=127.0.0.1", "rpc.client.port=" + peer.port() };
	}

	private static String id(String request) {
		Matcher id = ID.matcher(request);
		assertThat(id.find()).as("an id in %s", request).isTrue();
		return id.group(1);
	}

	private static String name(String request) {
		Matcher name = NAME.matcher(request);
		assertThat(name.find()).as("a Name in %s", request).isTrue();
		return name.group(1);
	}

	/** "Hello NAME", in the dialect of the request. */
	private static String helloReply(String request) {
		String result = "{\"Message\":\"Hello " + name(request) + "\"}";
		return request.contains("\"jsonrpc\":\"2.0\"") ? "{\"jsonrpc\":\"2.0\",\"result\":" + result + ",\"id\":" + id(request) + "}"
				: "{\"id\":" + id(request) + ",\"result\":" + result + ",\"error\":null}";
	}

	/** A Go-dialect reply of exactly {@code bytes} bytes (the newline after it not counted). */
	private static String sizedGoReply(String id, int bytes) {
		int padding = bytes - SKELETON.length() - (id.length() - 1);
		return "{\"id\":" + id + ",\"result\":{\"Message\":\"" + "a".repeat(padding) + "\"},\"error\":null}";
	}

	/** The live threads named as a template's I/O threads. */
	private static Set<Thread> ioThreads() {
		Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			if (IO_THREAD.matcher(thread.getName()).matches()) {
				threads.add(thread);
			}
		}
		return threads;
	}

	private static Set<Thread> newIoThreads(Set<Thread> before) {
		Set<Thread> now = ioThreads();
		now.removeAll(before);
		return now;
	}

	/** How many threads each pool has, by pool. */
	private static List<Integer> poolSizes(Set<Thread> threads) {
		Map<String, Integer> pools = new TreeMap<>();
		for (Thread thread : threads) {
			Matcher name = IO_THREAD.matcher(thread.getName());
			assertThat(name.matches()).isTrue();
			pools.merge(name.group(1), 1, Integer::sum);
		}
		return new ArrayList<>(pools.values());
	}

	/** Connects until the listener's accept queue is full and a connection attempt goes unanswered. */
	private static List<Socket> fillBacklog(int port) throws IOException {
		List<Socket> sockets = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			Socket socket = new Socket();
			try {
				socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
				sockets.add(socket);
			}
			catch (SocketTimeoutException ex) {
				socket.close();
				return sockets;
			}
		}
		throw new IllegalStateException("the listener's backlog never filled");
	}

	/**
	 * A JSON-RPC peer on a loopback port, one thread per connection: records each request line and
	 * writes back the line {@code answer} makes of it ({@code null}: no reply).
	 */
	private static final class RawPeer implements AutoCloseable {

		private final ServerSocket listener;

		private final Function<String, String> answer;

		private final List<String> requests = new CopyOnWriteArrayList<>();

		private final List<Socket> sockets = new CopyOnWriteArrayList<>();

		RawPeer(Function<String, String> answer) throws IOException {
			this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
			this.answer = answer;
			Thread acceptor = new Thread(this::acceptAll, "raw-peer-accept");
			acceptor.setDaemon(true);
			acceptor.start();
		}

		int port() {
			return this.listener.getLocalPort();
		}

		List<String> requests() {
			return List.copyOf(this.requests);
		}

		int connections() {
			return this.sockets.size();
		}

		private void acceptAll() {
			while (!this.listener.isClosed()) {
				try {
					Socket socket = this.listener.accept();
					this.sockets.add(socket);
					Thread serving = new Thread(() -> serve(socket), "raw-peer-" + this.sockets.size());
					serving.setDaemon(true);
					serving.start();
				}
				catch (IOException ex) {
					return;
				}
			}
		}

		private void serve(Socket socket) {
			try {
				BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
				OutputStream out = socket.getOutputStream();
				for (String line = in.readLine(); line != null; line = in.readLine()) {
					this.requests.add(line);
					String reply = this.answer.apply(line);
					if (reply != null) {
						out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
						out.flush();
					}
				}
			}
			catch (IOException ex) {
				// the client closed or broke the connection
			}
		}

		@Override
		public void close() {
			try {
				this.listener.close();
				for (Socket socket : this.sockets) {
					socket.close();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
