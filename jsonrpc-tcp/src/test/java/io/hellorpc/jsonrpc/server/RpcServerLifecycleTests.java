package io.hellorpc.jsonrpc.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.support.Listeners;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.awaitility.Awaitility.await;

/** Start, stop and the threads calls run on, with real contexts. */
class RpcServerLifecycleTests {

	@Test
	void theBoundPortIsPublishedAsLocalRpcPort() {
		try (RunningServer server = RunningServer.start()) {
			assertThat(server.port()).isPositive();
			assertThat(server.bean(RpcServer.class).address().getPort()).isEqualTo(server.port());
		}
	}

	@Test
	void callsInFlightWhenTheContextClosesAllGetTheirReplies() throws Exception {
		RunningServer server = RunningServer.start();
		int port = server.port();
		try (RawConnection first = server.connect(); RawConnection second = server.connect()) {
			first.send("{\"method\":\"Slow.Hold\",\"params\":[\"a\"],\"id\":1}"
					+ "{\"method\":\"Slow.Hold\",\"params\":[\"b\"],\"id\":2}");
			second.send("{\"method\":\"Slow.Hold\",\"params\":[\"c\"],\"id\":3}");
			TestServices.Sleeper sleeper = server.bean(TestServices.Sleeper.class);
			await().until(() -> sleeper.running() == 3);
			CompletableFuture<Void> closed = CompletableFuture.runAsync(server::close);
			// The calls finish only once the listener is closed: they are answered while stopping.
			await().until(() -> Listeners.refuses(port));
			sleeper.release(3);
			List<String> replies = new ArrayList<>(List.of(first.readLine(), first.readLine(), second.readLine()));
			assertThat(replies).containsExactlyInAnyOrder("{\"id\":1,\"result\":\"a\",\"error\":null}",
					"{\"id\":2,\"result\":\"b\",\"error\":null}", "{\"id\":3,\"result\":\"c\",\"error\":null}");
			assertThat(first.isClosedByServer()).isTrue();
			assertThat(second.isClosedByServer()).isTrue();
			closed.get();
		}
		assertThat(Listeners.refuses(port)).isTrue();
	}

	@Test
	void aCallThatFinishesWithinTheGracePeriodIsAnsweredBeforeItsConnectionCloses() {
		// A grace period no run comes near: the stop ends as soon as the call is answered, not when it is over.
		RunningServer server = RunningServer.start("rpc.server.shutdown-grace-period=2m");
		int port = server.port();
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		RpcServer listener = server.bean(RpcServer.class);
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Gate.Hold\",\"params\":[\"within\"],\"id\":1}");
			await().until(() -> gates.started("within"));
			CompletableFuture<Void> stopping = CompletableFuture.runAsync(listener::stop);
			await().until(() -> Listeners.refuses(port));
			// Stop is in its grace period: the connection is open and its call running, unanswered.
			await().until(() -> listener.activity().openConnections() == 1);
			assertThat(listener.activity().callsInFlight()).isEqualTo(1);
			assertThat(stopping).isNotDone();
			gates.open("within");
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":\"within\",\"error\":null}");
			assertThat(connection.isClosedByServer()).isTrue();
			assertThat(stopping).succeedsWithin(Duration.ofMinutes(1));
		}
		finally {
			gates.open("within");
			server.close();
		}
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void aCallStillRunningWhenTheGracePeriodEndsIsCutOffWithoutAReply(CapturedOutput output) {
		RunningServer server = RunningServer.start("rpc.server.shutdown-grace-period=200ms");
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		RpcServer listener = server.bean(RpcServer.class);
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Gate.Hold\",\"params\":[\"past\"],\"id\":1}");
			await().until(() -> gates.started("past"));
			// Held until after the stop: no grace period, however long, lets it finish.
			CompletableFuture<Void> stopping = CompletableFuture.runAsync(listener::stop);
			assertThat(connection.readLine()).isNull();
			// Cut off while it still ran, not answered: it is still in flight, its connection closed.
			assertThat(listener.activity().callsInFlight()).isEqualTo(1);
			assertThat(stopping).succeedsWithin(Duration.ofMinutes(1));
			assertThat(output).contains("JSON-RPC server grace period of PT0.2S is over with 1 calls in flight; closing their connections");
		}
		finally {
			gates.open("past");
			server.close();
		}
	}


	@Test
	void aBrokenRegistrationFailsTheStartNamingBeanAndMethod() {
		assertThatException()
			.isThrownBy(() -> new SpringApplication(Overloaded.class).run("--rpc.server.port=0",
					"--spring.main.web-application-type=none"))
			.havingRootCause()
			.withMessageContaining("OverloadedService' has two methods called OverloadedService.Execute: ")
			.withMessageEndingWith("; rename one of them");
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void withVirtualThreadsEnabledCallsRunOnVirtualThreads() {
		try (RunningServer server = RunningServer.start("spring.threads.virtual.enabled=true");
				RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Thread\",\"params\":[\"\"],\"id\":1}");
			assertThat(connection.readLine()).startsWith("{\"id\":1,\"result\":\"VirtualThread[");
		}
	}

	@Test
	void withoutVirtualThreadsCallsRunOnTheApplicationTaskExecutor() {
		try (RunningServer server = RunningServer.start(); RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Thread\",\"params\":[\"\"],\"id\":1}");
			assertThat(connection.readLine()).contains("task-");
		}
	}

	@Test
	void withCallThreadsEventLoopCallsRunOnTheConnectionsIoThread() {
		try (RunningServer server = RunningServer.start("rpc.server.call-threads=event-loop");
				RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Thread\",\"params\":[\"\"],\"id\":1}");
			assertThat(connection.readLine()).startsWith("{\"id\":1,\"result\":\"Thread[").contains("rpc-io-");
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OverloadedService.class)
	static class Overloaded {

	}

	@io.hellorpc.jsonrpc.server.RpcEndpoint
	static class OverloadedService {

		public String execute(String name) {
			return name;
		}

		public String execute(Integer number) {
			return "";
		}

	}

}
