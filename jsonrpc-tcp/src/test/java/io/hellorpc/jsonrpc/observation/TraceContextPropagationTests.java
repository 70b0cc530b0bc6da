package io.hellorpc.jsonrpc.observation;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.PeerServer;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.TestServices;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One trace across the wire, with Micrometer Tracing's test tracer and the handlers Boot installs
 * when tracing is on: the client's span context travels as a {@code traceparent} member of the
 * request, the server continues it; Go's server, which drops unknown members, still answers.
 */
class TraceContextPropagationTests {

	private final SimpleTracer tracer = new SimpleTracer();

	private final ObservationRegistry registry = ObservationRegistry.create();

	TraceContextPropagationTests() {
		Propagator w3c = new W3cPropagator(this.tracer);
		this.registry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(this.tracer, w3c),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, w3c),
					new DefaultTracingObservationHandler(this.tracer)));
	}

	@Test
	void aTracedCallHasOneTraceIdOnBothSidesTheServerSpanAChildOfTheClientSpan() {
		try (ConfigurableApplicationContext server = new SpringApplicationBuilder(TestServices.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.initializers((context) -> context.getBeanFactory().registerSingleton("observationRegistry", this.registry))
			.properties("rpc.server.host=127.0.0.1", "rpc.server.port=0")
			.run();
				RpcTemplate rpc = new RpcTemplateBuilder()
					.address("127.0.0.1", server.getEnvironment().getRequiredProperty("local.rpc.port", Integer.class))
					.observationRegistry(this.registry)
					.build()) {
			assertThat(rpc.call("Handler.Execute", new Request("traced"), Response.class).message()).isEqualTo("Hello traced");
			await().until(() -> spans(Span.Kind.SERVER).size() == 1 && spans(Span.Kind.CLIENT).size() == 1);
		}
		SimpleSpan client = spans(Span.Kind.CLIENT).get(0);
		SimpleSpan server = spans(Span.Kind.SERVER).get(0);
		assertThat(client.getName()).isEqualTo("Handler/Execute");
		assertThat(server.getName()).isEqualTo("Handler/Execute");
		assertThat(server.getTraceId()).isEqualTo(W3cPropagator.traceId(client.context()));
		assertThat(server.getParentId()).isEqualTo(W3cPropagator.spanId(client.context()));
		assertThat(server.getSpanId()).isNotEqualTo(server.getParentId());
	}

	@Test
	void theRequestCarriesTraceparentAndGosServerAnswersItAllTheSame() throws Exception {
		String traced;
		try (ServerSocket capture = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
				RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", capture.getLocalPort())
					.observationRegistry(this.registry)
					.timeout(Duration.ofSeconds(30))
					.build()) {
			CompletableFuture<Response> pending = rpc.callAsync("Handler.Execute", new Request("ciro"), Response.class);
			try (Socket peer = capture.accept()) {
				traced = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8)).readLine();
			}
			pending.handle((response, failure) -> null).get(30, TimeUnit.SECONDS);
		}
		assertThat(traced).matches("\\{\"method\":\"Handler.Execute\",\"params\":\\[\\{\"Name\":\"ciro\"\\}\\],\"id\":0,"
				+ "\"traceparent\":\"00-[0-9a-f]{32}-[0-9a-f]{16}-01\"\\}");
		try (PeerServer go = GoPeer.startServer("server"); RawConnection connection = new RawConnection(go.port())) {
			assertThat(connection.send(traced + "\n").readLine())
				.isEqualTo("{\"id\":0,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}");
		}
	}

	private List<SimpleSpan> spans(Span.Kind kind) {
		return this.tracer.getSpans().stream().filter((span) -> span.getKind() == kind && span.getEndTimestamp().toEpochMilli() > 0).toList();
	}

	/** W3C Trace Context over the test tracer: what Brave's and OpenTelemetry's propagators do in production. */
	static final class W3cPropagator implements Propagator {

		private final SimpleTracer tracer;

		W3cPropagator(SimpleTracer tracer) {
			this.tracer = tracer;
		}

		static String traceId(TraceContext context) {
			return pad(context.traceId(), 32);
		}

		static String spanId(TraceContext context) {
			return pad(context.spanId(), 16);
		}

		private static String pad(String id, int length) {
			return "0".repeat(Math.max(0, length - id.length())) + id;
		}

		@Override
		public List<String> fields() {
			return List.of("traceparent");
		}

		@Override
		public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
			setter.set(carrier, "traceparent", "00-" + traceId(context) + "-" + spanId(context) + "-01");
		}

		@Override
		public <C> Span.Builder extract(C carrier, Getter<C> getter) {
			String header = getter.get(carrier, "traceparent");
			if (header == null) {
				return this.tracer.spanBuilder();
			}
			String[] parts = header.split("-");
			TraceContext parent = this.tracer.traceContextBuilder().traceId(parts[1]).spanId(parts[2]).sampled(true).build();
			return this.tracer.spanBuilder().setParent(parent);
		}

	}

}
