package io.hellorpc.jsonrpc.server;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import io.hellorpc.jsonrpc.autoconfigure.RpcServerHealthIndicator;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Drain on stop, whatever runs the calls: every call read before the listener closed is answered,
 * including calls waiting for a slot and the calls of a connection accepted just before stop, and
 * nothing the actuator asks waits for the drain.
 */
class RpcServerDrainTests {

	/** Calls queued behind the held one on the same connection, waiting for its slot. */
	private static final int WAITING = 5;

	@Test
	void callsWaitingForASlotWhenTheContextClosesAreAnsweredOnBootsApplicationTaskExecutor() throws Exception {
		heldAndWaitingCallsAreAllAnsweredWhileTheContextCloses();
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void callsWaitingForASlotWhenTheContextClosesAreAnsweredOnVirtualThreads() throws Exception {
		heldAndWaitingCallsAreAllAnsweredWhileTheContextCloses("spring.threads.virtual.enabled=true");
	}

	@Test
	void callsPipelinedBehindABlockedEventLoopWhenTheContextClosesAreAnswered() throws Exception {
		// The held call blocks the connection's event loop: the calls behind it are still in the
		// socket or the framing buffer when the listener closes, and are read and run only after.
		heldAndWaitingCallsAreAllAnsweredWhileTheContextCloses("rpc.server.call-threads=event-loop");
	}

	/**
	 * Call 0 is held at its gate; calls 1..WAITING, written with it in one go, wait for its slot
	 * (one call in flight per connection). The context closes on another thread; only once the
	 * listener refuses connections is the gate opened: every call must get its own result.
	 */
	private static void heldAndWaitingCallsAreAllAnsweredWhileTheContextCloses(String... properties) throws Exception {
		List<String> all = new ArrayList<>(List.of(properties));
		// A grace period no run comes near, so that no cut-off decides the outcome.
		all.addAll(List.of("rpc.server.max-calls-in-flight-per-connection=1", "rpc.server.shutdown-grace-period=2m"));
		RunningServer server = RunningServer.start(all.toArray(String[]::new));
		int port = server.port();
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		CompletableFuture<Void> closed = null;
		try (RawConnection connection = server.connect()) {
			StringBuilder calls = new StringBuilder("{\"method\":\"Gate.Hold\",\"params\":[\"held\"],\"id\":0}");
			for (int i = 1; i <= WAITING; i++) {
				calls.append("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"w").append(i).append("\"}],\"id\":")
					.append(i).append('}');
			}
			connection.send(calls.toString());
			await().until(() -> gates.started("held"));
			closed = CompletableFuture.runAsync(server::close);
			await().until(() -> refuses(port));
			gates.open("held");
			List<String> replies = new ArrayList<>();
			for (int i = 0; i <= WAITING; i++) {
				replies.add(connection.readLine());
			}
			List<String> expected = new ArrayList<>(List.of("{\"id\":0,\"result\":\"held\",\"error\":null}"));
			for (int i = 1; i <= WAITING; i++) {
				expected.add("{\"id\":" + i + ",\"result\":{\"Message\":\"Hello w" + i + "\"},\"error\":null}");
			}
			// One slot: the calls run one after the other, so their replies come in order.
			assertThat(replies).containsExactlyElementsOf(expected);
			assertThat(connection.isClosedByServer()).isTrue();
			assertThat(closed).succeedsWithin(Duration.ofMinutes(1));
		}
		finally {
			gates.open("held");
			if (closed == null) {
				server.close();
			}
		}
	}

	@Test
	void aConnectionAcceptedJustBeforeStopHasItsCallAnsweredBeforeItCloses() throws Exception {
		RunningServer server = RunningServer.start(HoldSetup.class, "rpc.server.shutdown-grace-period=2m");
		int port = server.port();
		HoldSetup hold = server.bean(HoldSetup.class);
		CompletableFuture<Void> closed = null;
		try {
			hold.armed.set(true);
			try (RawConnection connection = server.connect()) {
				// Accepted, its setup held by the customizer: the call waits in the socket.
				await().until(() -> hold.setupStarted.getCount() == 0);
				connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"late\"}],\"id\":7}");
				closed = CompletableFuture.runAsync(server::close);
				// The stop has begun (the listener is closed) before the connection's setup finishes.
				await().until(() -> refuses(port));
				hold.gate.countDown();
				assertThat(connection.readLine()).isEqualTo("{\"id\":7,\"result\":{\"Message\":\"Hello late\"},\"error\":null}");
				assertThat(connection.isClosedByServer()).isTrue();
				assertThat(closed).succeedsWithin(Duration.ofMinutes(1));
			}
		}
		finally {
			hold.gate.countDown();
			if (closed == null) {
				server.close();
			}
		}
	}

	@Test
	void theHealthIndicatorAnswersWhileTheServerDrains() throws Exception {
		RunningServer server = RunningServer.start("rpc.server.shutdown-grace-period=2m");
		int port = server.port();
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		RpcServerHealthIndicator health = server.bean(RpcServerHealthIndicator.class);
		NettyRpcServer listener = server.bean(NettyRpcServer.class);
		CompletableFuture<Void> closed = null;
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Gate.Hold\",\"params\":[\"draining\"],\"id\":1}");
			await().until(() -> gates.started("draining"));
			closed = CompletableFuture.runAsync(server::close);
			await().until(() -> refuses(port));
			// The call is held for as long as the test likes: the grace period is on, the drain not over.
			assertThat(closed).isNotDone();
			CompletableFuture<Health> checked = CompletableFuture.supplyAsync(health::health);
			assertThat(checked).succeedsWithin(Duration.ofSeconds(60)).extracting(Health::getStatus).isNotNull();
			CompletableFuture<Boolean> running = CompletableFuture.supplyAsync(listener::isRunning);
			assertThat(running).succeedsWithin(Duration.ofSeconds(60));
			assertThat(closed).isNotDone();
			gates.open("draining");
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":\"draining\",\"error\":null}");
			assertThat(closed).succeedsWithin(Duration.ofMinutes(1));
		}
		finally {
			gates.open("draining");
			if (closed == null) {
				server.close();
			}
		}
	}

	private static boolean refuses(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** Holds the setup of the first connection accepted after {@code armed} is set, until {@code gate} opens. */
	@Configuration(proxyBeanMethods = false)
	static class HoldSetup {

		final AtomicBoolean armed = new AtomicBoolean();

		final CountDownLatch setupStarted = new CountDownLatch(1);

		final CountDownLatch gate = new CountDownLatch(1);

		@Bean
		RpcServerCustomizer holdArmedConnectionSetup() {
			return new RpcServerCustomizer() {

				@Override
				public void customize(SocketChannel connection) {
					if (HoldSetup.this.armed.compareAndSet(true, false)) {
						HoldSetup.this.setupStarted.countDown();
						try {
							HoldSetup.this.gate.await();
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
					}
				}

			};
		}

	}

}
