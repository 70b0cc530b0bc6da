package io.hellorpc.hello.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import io.hellorpc.jsonrpc.server.RpcApplicationException;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcParamValidator;
import io.hellorpc.jsonrpc.support.RawConnection;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.validation.annotation.Validated;

import static io.hellorpc.hello.server.PrometheusSamples.delta;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's metrics that need services or settings of their own, read from
 * {@code /actuator/prometheus} over real HTTP after real calls over TCP: a connection closed at
 * the idle timeout, application error codes, internal errors, the active-calls timer of a call
 * held running. The context is this class's own (extra services, a short idle timeout); each test
 * still measures only what it did.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "rpc.server.port=0", "rpc.server.host=127.0.0.1", "rpc.server.idle-timeout=3s" })
class HelloServerScrapeTests {

	private static final String SYSTEM = "rpc_system=\"jsonrpc\"";

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int httpPort;

	@Value("${local.rpc.port}")
	private int rpcPort;

	@Autowired
	private Gated gated;

	@Test
	void aConnectionThatSendsNothingIsClosedAtTheIdleTimeoutAndCounted() throws Exception {
		Map<String, Double> before = samples();
		try (RawConnection silent = new RawConnection(this.rpcPort)) {
			// Not one byte either way: the server closes it (the read times out after 10 s, the idle timeout is 3 s).
			assertThat(silent.readLine()).isNull();
		}
		await().untilAsserted(() -> assertThat(delta(before, samples(),
				"rpc_server_connections_idle_closed_total{" + SYSTEM + "}")).isEqualTo(1));
	}

	@Test
	void applicationErrorCodesAreAnsweredAsTheyAreAndTaggedApplication() throws Exception {
		Map<String, Double> before = samples();
		try (RawConnection connection = new RawConnection(this.rpcPort)) {
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Coded.Fail\",\"params\":[4000],\"id\":1}\n");
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":4000,"
					+ "\"message\":\"failed with 4000\",\"data\":{\"code\":4000}},\"id\":1}");
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Coded.Fail\",\"params\":[4017],\"id\":2}\n");
			assertThat(connection.readLine()).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":4017,"
					+ "\"message\":\"failed with 4017\",\"data\":{\"code\":4017}},\"id\":2}");
			connection.send("{\"method\":\"Coded.Fail\",\"params\":[4000],\"id\":3}\n");
			assertThat(connection.readLine()).isEqualTo("{\"id\":3,\"result\":null,\"error\":\"failed with 4000\"}");
		}
		// Every code an application chose shares one series per dialect: codes cannot grow the series.
		await().untilAsserted(() -> {
			Map<String, Double> after = samples();
			assertThat(delta(before, after, "rpc_server_requests_seconds_count{error=\"RpcApplicationException\","
					+ "outcome=\"ERROR\",rpc_jsonrpc_error_code=\"application\",rpc_jsonrpc_version=\"2.0\","
					+ "rpc_method=\"Fail\",rpc_service=\"Coded\"," + SYSTEM + "}")).isEqualTo(2);
			assertThat(delta(before, after, "rpc_server_requests_seconds_count{error=\"RpcApplicationException\","
					+ "outcome=\"ERROR\",rpc_jsonrpc_error_code=\"application\",rpc_jsonrpc_version=\"1.0\","
					+ "rpc_method=\"Fail\",rpc_service=\"Coded\"," + SYSTEM + "}")).isEqualTo(1);
			assertThat(after.keySet()).noneMatch((series) -> series.contains("rpc_jsonrpc_error_code=\"40"));
		});
	}

	@Test
	void aFailureOfTheServersOwnCodeIsAnsweredPlainlyAndCountedAsAnInternalError() throws Exception {
		Map<String, Double> before = samples();
		try (RawConnection connection = new RawConnection(this.rpcPort)) {
			connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"Checked.Check\",\"params\":{\"Name\":\"x\"},\"id\":1}\n");
			assertThat(connection.readLine())
				.isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,\"message\":\"rpc: internal error\"},\"id\":1}");
			// The connection carries on.
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"after\"}],\"id\":2}\n");
			assertThat(connection.readLine()).isEqualTo("{\"id\":2,\"result\":{\"Message\":\"Hello after\"},\"error\":null}");
		}
		await().untilAsserted(() -> {
			Map<String, Double> after = samples();
			assertThat(delta(before, after, "rpc_server_internal_errors_total{" + SYSTEM + "}")).isEqualTo(1);
			assertThat(delta(before, after, "rpc_server_requests_seconds_count{error=\"IllegalStateException\","
					+ "outcome=\"ERROR\",rpc_jsonrpc_error_code=\"-32603\",rpc_jsonrpc_version=\"2.0\","
					+ "rpc_method=\"Check\",rpc_service=\"Checked\"," + SYSTEM + "}")).isEqualTo(1);
		});
	}

	@Test
	void aCallHeldRunningIsInTheActiveCallsTimerWithItsServiceAndMethodAndInTheCallsGauge() throws Exception {
		// A long task timer: count is the calls running now; its tags are those the call had when it started.
		String active = "rpc_server_requests_active_seconds_count{outcome=\"SUCCESS\",rpc_jsonrpc_error_code=\"none\","
				+ "rpc_jsonrpc_version=\"1.0\",rpc_method=\"Hold\",rpc_service=\"Gated\"," + SYSTEM + "}";
		try (RawConnection connection = new RawConnection(this.rpcPort)) {
			connection.send("{\"method\":\"Gated.Hold\",\"params\":[\"held\"],\"id\":1}\n");
			await().until(() -> this.gated.running() == 1);
			// Awaited: another test's connection, closed by its client, may still be closing on the server.
			await().untilAsserted(() -> assertThat(samples()).containsEntry(active, 1.0)
				.containsEntry("rpc_server_calls_active{" + SYSTEM + "}", 1.0)
				.containsEntry("rpc_server_connections{" + SYSTEM + "}", 1.0));
			this.gated.release();
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":\"held\",\"error\":null}");
			await().untilAsserted(() -> assertThat(samples()).containsEntry(active, 0.0)
				.containsEntry("rpc_server_calls_active{" + SYSTEM + "}", 0.0));
		}
	}

	/** Every sample of a scrape, by series ({@code name{tags}}). */
	private Map<String, Double> samples() throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.httpPort + "/actuator/prometheus")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return PrometheusSamples.parse(response.body());
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Services {

		@Bean
		Coded coded() {
			return new Coded();
		}

		@Bean
		Checked checked() {
			return new Checked();
		}

		@Bean
		Gated gated() {
			return new Gated();
		}

		/** Stands for a bug in the server's own code: the check of a {@code @Validated} param throws. */
		@Bean
		RpcParamValidator failingValidator() {
			return new RpcParamValidator() {
				@Override
				public String check(Object param) {
					throw new IllegalStateException("a bug in the validator");
				}
			};
		}

	}

	/** Fails every call with the code it is given, as an application does with its own codes. */
	@RpcEndpoint(name = "Coded")
	public static class Coded {

		public String fail(int code) {
			throw new RpcApplicationException(code, "failed with " + code, Map.of("code", code));
		}

	}

	/** A method whose param the (failing) validator checks. */
	@RpcEndpoint(name = "Checked")
	public static class Checked {

		public String check(@Validated Handler.Request request) {
			return "checked " + request.name();
		}

	}

	/** A call that runs until the test lets it through. */
	@RpcEndpoint(name = "Gated")
	public static class Gated {

		private final AtomicInteger running = new AtomicInteger();

		private final Semaphore gate = new Semaphore(0);

		public String hold(String label) throws InterruptedException {
			this.running.incrementAndGet();
			try {
				this.gate.acquire();
				return label;
			}
			finally {
				this.running.decrementAndGet();
			}
		}

		int running() {
			return this.running.get();
		}

		void release() {
			this.gate.release();
		}

	}

}
