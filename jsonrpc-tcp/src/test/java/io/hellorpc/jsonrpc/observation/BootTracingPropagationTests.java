package io.hellorpc.jsonrpc.observation;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hellorpc.jsonrpc.support.Listeners;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcServerActivity;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanReporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace across the wire with Boot's own tracing auto-configuration: Brave, its W3C
 * propagator and every call sampled, the spans read from what the tracer reports. The listener and
 * the {@link RpcTemplateBuilder} are the auto-configured ones. A {@code traceparent} the server
 * cannot use starts a new trace; the call is answered as any other.
 *
 * <p>Tagged {@code boot-tracing}: only the surefire execution of that name has Boot's tracing
 * modules on its class path (in the other tests' applications they would trace every call).
 */
@Tag("boot-tracing")
class BootTracingPropagationTests {

	private static final Pattern TRACEPARENT = Pattern.compile("\"traceparent\":\"00-([0-9a-f]{32})-([0-9a-f]{16})-01\"");

	private static final String GO_REPLY = "{\"id\":0,\"result\":{\"Message\":\"Hello %s\"},\"error\":null}";

	private ConfigurableApplicationContext context;

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void aCallIsOneTraceTheServerSpanAChildOfTheClientSpanWhoseIdsTheWireCarriesInW3cFormat() throws Exception {
		start();
		String request = callThroughTheTest("traced");
		assertThat(request).startsWith("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"traced\"}],\"id\":0,\"traceparent\":\"");
		Matcher traceparent = TRACEPARENT.matcher(request);
		assertThat(traceparent.find()).as("W3C traceparent in %s", request).isTrue();
		FinishedSpan clientSpan = awaitSpan(Span.Kind.CLIENT, "Handler/Execute");
		FinishedSpan serverSpan = awaitSpan(Span.Kind.SERVER, "Handler/Execute");
		assertThat(traceparent.group(1)).as("the wire's trace id").isEqualTo(clientSpan.getTraceId());
		assertThat(traceparent.group(2)).as("the wire's parent id").isEqualTo(clientSpan.getSpanId());
		assertThat(serverSpan.getTraceId()).as("the server's trace id").isEqualTo(clientSpan.getTraceId());
		assertThat(serverSpan.getParentId()).as("the server span's parent").isEqualTo(clientSpan.getSpanId());
		assertThat(serverSpan.getSpanId()).isNotEqualTo(clientSpan.getSpanId());
		assertThat(clientSpan.getParentId()).as("the client span's parent").isNull();
	}

	@Test
	void aWellFormedTraceparentSentRawIsContinued() {
		start();
		String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
		assertThat(rawCall("continued", "\"traceparent\":\"" + traceparent + "\",")).isEqualTo(GO_REPLY.formatted("continued"));
		FinishedSpan serverSpan = awaitSpan(Span.Kind.SERVER, "Handler/Execute");
		assertThat(serverSpan.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
		assertThat(serverSpan.getParentId()).isEqualTo("b7ad6b7169203331");
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"00-zzz\"", "\"00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01\"",
			"\"00-00000000000000000000000000000000-b7ad6b7169203331-01\"",
			"\"00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01\"",
			"\"ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"",
			"\"00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01\"", "\"\"", "42", "{\"traceId\":\"x\"}",
			"[\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"]", "null" })
	void aMalformedTraceparentIsAnsweredAndStartsANewTrace(String traceparent) {
		start();
		// First in the request, so that a value read wrongly would also upset the members after it.
		assertThat(rawCall("malformed", "\"traceparent\":" + traceparent + ",")).isEqualTo(GO_REPLY.formatted("malformed"));
		assertThat(assertRootServerSpan().getTraceId()).isNotEqualToIgnoringCase("0af7651916cd43dd8448eb211c80319c");
		assertThat(this.context.getBean(RpcServerActivity.class).internalErrors()).isZero();
	}

	/**
	 * After a traced call on the same connection and the same thread (one event loop runs both),
	 * so that a trace context the first call left behind would show as the second one's parent.
	 */
	@Test
	void aRequestWithoutTraceparentGetsARootServerSpan() {
		start("rpc.server.io-threads=1", "rpc.server.call-threads=event-loop");
		try (RawConnection connection = new RawConnection(port())) {
			assertThat(connection.send("{\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\","
					+ "\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"traced\"}],\"id\":0}\n").readLine())
				.isEqualTo(GO_REPLY.formatted("traced"));
			assertThat(connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"untraced\"}],\"id\":1}\n").readLine())
				.isEqualTo("{\"id\":1,\"result\":{\"Message\":\"Hello untraced\"},\"error\":null}");
		}
		Spans spans = this.context.getBean(Spans.class);
		await().until(() -> spans.find(Span.Kind.SERVER, "Handler/Execute").size() == 2);
		FinishedSpan untraced = spans.find(Span.Kind.SERVER, "Handler/Execute")
			.stream()
			.filter((span) -> !span.getTraceId().equals("0af7651916cd43dd8448eb211c80319c"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no server span outside the first call's trace: "
					+ spans.find(Span.Kind.SERVER, "Handler/Execute")));
		assertThat(untraced.getParentId()).as("the untraced call's server span's parent").isNull();
		assertThat(untraced.getTraceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
	}

	/** Brave's B3 propagation fills the carrier with {@code b3}, which the request does not carry. */
	@Test
	void aB3OnlySetupIsNotPropagated() throws Exception {
		start("management.tracing.propagation.type=B3");
		String request = callThroughTheTest("b3");
		assertThat(request).isEqualTo("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"b3\"}],\"id\":0}");
		FinishedSpan clientSpan = awaitSpan(Span.Kind.CLIENT, "Handler/Execute");
		FinishedSpan serverSpan = awaitSpan(Span.Kind.SERVER, "Handler/Execute");
		assertThat(serverSpan.getParentId()).as("the server span's parent").isNull();
		assertThat(serverSpan.getTraceId()).isNotEqualTo(clientSpan.getTraceId());
	}

	/**
	 * Brave's W3C propagation keeps an incoming {@code tracestate} only as a remote baggage field
	 * of that name (its extractor drops it otherwise; OpenTelemetry's keeps it in the span
	 * context): with that field, the member the server read is what the tracer continues, and
	 * the member {@code RpcTemplate} writes is what the tracer put in the carrier.
	 */
	@Test
	void tracestateTravelsWithTheTraceIntoTheCallsTheServerMakes() throws Exception {
		String tracestate = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
		try (ServerSocket downstream = Listeners.loopback()) {
			start("test.downstream.port=" + downstream.getLocalPort(), "management.tracing.baggage.remote-fields=tracestate");
			String onward;
			try (RawConnection connection = new RawConnection(port())) {
				connection.send("{\"method\":\"Relay.Forward\",\"params\":[\"state\"],\"id\":0,"
						+ "\"traceparent\":\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\","
						+ "\"tracestate\":\"" + tracestate + "\"}\n");
				try (Socket relayed = downstream.accept()) {
					onward = new BufferedReader(new InputStreamReader(relayed.getInputStream(), StandardCharsets.UTF_8)).readLine();
					OutputStream out = relayed.getOutputStream();
					out.write((GO_REPLY.formatted("downstream") + "\n").getBytes(StandardCharsets.UTF_8));
					out.flush();
					assertThat(connection.readLine()).isEqualTo("{\"id\":0,\"result\":\"Hello downstream\",\"error\":null}");
				}
			}
			Matcher traceparent = TRACEPARENT.matcher(onward);
			assertThat(traceparent.find()).as("W3C traceparent in %s", onward).isTrue();
			assertThat(traceparent.group(1)).isEqualTo("0af7651916cd43dd8448eb211c80319c");
			assertThat(onward).contains(",\"tracestate\":\"" + tracestate + "\"}");
			FinishedSpan relaySpan = awaitSpan(Span.Kind.SERVER, "Relay/Forward");
			FinishedSpan onwardSpan = awaitSpan(Span.Kind.CLIENT, "Handler/Execute");
			assertThat(relaySpan.getParentId()).isEqualTo("b7ad6b7169203331");
			assertThat(onwardSpan.getParentId()).isEqualTo(relaySpan.getSpanId());
			assertThat(traceparent.group(2)).isEqualTo(onwardSpan.getSpanId());
		}
	}

	private void start(String... extra) {
		this.context = new SpringApplicationBuilder(TestServices.class, Tracing.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.properties("rpc.server.host=127.0.0.1", "rpc.server.port=0", "rpc.client.timeout=30s",
					"management.tracing.sampling.probability=1.0")
			.properties(extra)
			.run();
	}

	/**
	 * One call of the auto-configured {@code RpcTemplate} to the server with the test in between:
	 * it reads the request's bytes, hands them on unchanged and the reply back.
	 */
	private String callThroughTheTest(String name) throws Exception {
		try (ServerSocket between = Listeners.loopback();
				RpcTemplate rpc = this.context.getBean(RpcTemplateBuilder.class).address("127.0.0.1", between.getLocalPort()).build()) {
			CompletableFuture<Response> pending = rpc.callAsync("Handler.Execute", new Request(name), Response.class);
			try (Socket client = between.accept(); RawConnection server = new RawConnection(port())) {
				String request = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8)).readLine();
				String reply = server.send(request + "\n").readLine();
				assertThat(reply).isEqualTo(GO_REPLY.formatted(name));
				OutputStream out = client.getOutputStream();
				out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
				out.flush();
				assertThat(pending.get(30, TimeUnit.SECONDS).message()).isEqualTo("Hello " + name);
				return request;
			}
		}
	}

	private int port() {
		return this.context.getEnvironment().getRequiredProperty("local.rpc.port", Integer.class);
	}

	/** A Go request with {@code traceMembers} (each followed by a comma) before its own members. */
	private String rawCall(String name, String traceMembers) {
		try (RawConnection connection = new RawConnection(port())) {
			return connection
				.send("{" + traceMembers + "\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + name + "\"}],\"id\":0}\n")
				.readLine();
		}
	}

	private FinishedSpan assertRootServerSpan() {
		FinishedSpan span = awaitSpan(Span.Kind.SERVER, "Handler/Execute");
		assertThat(span.getParentId()).as("the server span's parent").isNull();
		assertThat(span.getTraceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
		return span;
	}

	private FinishedSpan awaitSpan(Span.Kind kind, String name) {
		Spans spans = this.context.getBean(Spans.class);
		await().until(() -> spans.find(kind, name).size() == 1);
		return spans.find(kind, name).get(0);
	}

	/** The in-memory exporter: every span the tracer finishes, as Boot hands them to its reporters. */
	static class Spans implements SpanReporter {

		private final List<FinishedSpan> finished = new CopyOnWriteArrayList<>();

		@Override
		public void report(FinishedSpan span) {
			this.finished.add(span);
		}

		List<FinishedSpan> find(Span.Kind kind, String name) {
			return this.finished.stream().filter((span) -> span.getKind() == kind && name.equals(span.getName())).toList();
		}

	}

	/** A service that calls another server ({@code test.downstream.port}) while it answers. */
	@RpcEndpoint(name = "Relay")
	public static class Relay implements AutoCloseable {

		private final RpcTemplateBuilder builder;

		private final Environment environment;

		private volatile RpcTemplate template;

		public Relay(RpcTemplateBuilder builder, Environment environment) {
			this.builder = builder;
			this.environment = environment;
		}

		public String forward(String name) {
			if (this.template == null) {
				this.template = this.builder
					.address("127.0.0.1", this.environment.getRequiredProperty("test.downstream.port", Integer.class))
					.build();
			}
			return this.template.call("Handler.Execute", new Request(name), Response.class).message();
		}

		@Override
		public void close() {
			if (this.template != null) {
				this.template.close();
			}
		}

	}

	@Import({ Spans.class, Relay.class })
	static class Tracing {

	}

}
