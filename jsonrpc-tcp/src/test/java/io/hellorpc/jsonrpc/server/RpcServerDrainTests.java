package io.hellorpc.jsonrpc.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.hellorpc.jsonrpc.autoconfigure.RpcServerHealthIndicator;
import io.hellorpc.jsonrpc.support.Listeners;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

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

	@Test
	void callsWaitingForASlotWhenTheContextClosesAreAnsweredWhenTheApplicationTaskExecutorShutsDownEarly() throws Exception {
		// Spring's ThreadPoolTaskExecutor refuses new tasks from ContextClosedEvent on when strict early
		// shutdown is set: the waiting calls are dispatched only after that, and must not be lost.
		heldAndWaitingCallsAreAllAnsweredWhileTheContextCloses(new Class<?>[] { StrictEarlyShutdownExecutor.class });
	}

	private static void heldAndWaitingCallsAreAllAnsweredWhileTheContextCloses(String... properties) throws Exception {
		heldAndWaitingCallsAreAllAnsweredWhileTheContextCloses(new Class<?>[0], properties);
	}

	/**
	 * Call 0 is held at its gate; calls 1..WAITING, written with it in one go, wait for its slot
	 * (one call in flight per connection). The context closes on another thread; only once the
	 * listener refuses connections is the gate opened: every call must get its own result.
	 */
	private static void heldAndWaitingCallsAreAllAnsweredWhileTheContextCloses(Class<?>[] configurations,
			String... properties) throws Exception {
		List<String> all = new ArrayList<>(List.of(properties));
		// A grace period no run comes near, so that no cut-off decides the outcome.
		all.addAll(List.of("rpc.server.max-calls-in-flight-per-connection=1", "rpc.server.shutdown-grace-period=2m",
				"spring.lifecycle.timeout-per-shutdown-phase=10m"));
		RunningServer server = RunningServer.startWith(configurations, all.toArray(String[]::new));
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
			closed = CompletableFuture.runAsync(server::close, RpcServerDrainTests::onItsOwnThread);
			await().until(() -> Listeners.refuses(port));
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

	/**
	 * One event loop for the connections, its first connection's setup held by a customizer: a
	 * second connection accepted then waits to be set up behind it, and is set up only after the
	 * stop has begun. Its call, written before the stop, is held at its gate after it starts: the
	 * connection must stay open (the first one drains and closes meanwhile), then be answered, then close.
	 */
	@Test
	void aConnectionAcceptedJustBeforeStopStaysOpenUntilItsCallIsAnswered() throws Exception {
		RunningServer server = RunningServer.start(HoldSetup.class, "rpc.server.io-threads=1",
				"rpc.server.shutdown-grace-period=2m", "spring.lifecycle.timeout-per-shutdown-phase=10m");
		int port = server.port();
		HoldSetup hold = server.bean(HoldSetup.class);
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		CompletableFuture<Void> closed = null;
		try {
			hold.armed.set(true);
			try (RawConnection first = server.connect()) {
				await().until(() -> hold.setupStarted.getCount() == 0);
				int acceptedBefore = hold.accepted.get();
				try (RawConnection late = server.connect()) {
					// Accepted by the listener; its setup waits behind the first one's on the one event loop.
					await().until(() -> hold.accepted.get() > acceptedBefore);
					first.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"first\"}],\"id\":1}");
					late.send("{\"method\":\"Gate.Hold\",\"params\":[\"late\"],\"id\":2}");
					closed = CompletableFuture.runAsync(server::close, RpcServerDrainTests::onItsOwnThread);
					// The stop has begun (the listener is closed) before either connection's setup is done.
					await().until(() -> Listeners.refuses(port));
					hold.gate.countDown();
					assertThat(first.readLine()).isEqualTo("{\"id\":1,\"result\":{\"Message\":\"Hello first\"},\"error\":null}");
					assertThat(first.isClosedByServer()).isTrue();
					await().until(() -> gates.started("late"));
					// Its call is running: the connection is not closed under it (none is answered yet to read).
					assertThat(late.isClosedByServer()).as("closed by the server with its call running").isFalse();
					assertThat(closed).isNotDone();
					gates.open("late");
					assertThat(late.readLine()).isEqualTo("{\"id\":2,\"result\":\"late\",\"error\":null}");
					assertThat(late.isClosedByServer()).isTrue();
					assertThat(closed).succeedsWithin(Duration.ofMinutes(1));
				}
			}
		}
		finally {
			hold.gate.countDown();
			gates.open("late");
			if (closed == null) {
				server.close();
			}
		}
	}

	@Test
	void theHealthIndicatorAnswersWhileTheServerDrains() throws Exception {
		// Nothing but the test's gate ends this drain: no grace period or lifecycle timeout comes near.
		RunningServer server = RunningServer.start("rpc.server.shutdown-grace-period=2m",
				"spring.lifecycle.timeout-per-shutdown-phase=10m");
		int port = server.port();
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		RpcServerHealthIndicator health = server.bean(RpcServerHealthIndicator.class);
		RpcServer listener = server.bean(RpcServer.class);
		CompletableFuture<Void> closed = null;
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Gate.Hold\",\"params\":[\"draining\"],\"id\":1}");
			await().until(() -> gates.started("draining"));
			closed = CompletableFuture.runAsync(server::close, RpcServerDrainTests::onItsOwnThread);
			await().until(() -> Listeners.refuses(port));
			// The call is held for as long as the test likes: the grace period is on, the drain not over.
			assertThat(closed).isNotDone();
			CompletableFuture<Health> checked = CompletableFuture.supplyAsync(health::health, RpcServerDrainTests::onItsOwnThread);
			assertThat(checked).succeedsWithin(Duration.ofSeconds(60)).extracting(Health::getStatus).isNotNull();
			CompletableFuture<Boolean> running = CompletableFuture.supplyAsync(listener::isRunning, RpcServerDrainTests::onItsOwnThread);
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


	/** The common pool may have a single worker, which a blocking close would hold: each task gets a thread. */
	private static void onItsOwnThread(Runnable task) {
		Thread thread = new Thread(task, "drain-test");
		thread.setDaemon(true);
		thread.start();
	}

	/** Holds the setup of the first connection accepted after {@code armed} is set, until {@code gate} opens. */
	@Configuration(proxyBeanMethods = false)
	static class HoldSetup {

		final AtomicBoolean armed = new AtomicBoolean();

		final CountDownLatch setupStarted = new CountDownLatch(1);

		final CountDownLatch gate = new CountDownLatch(1);

		/** Connections the listener has accepted (seen on its own channel, before their setup). */
		final AtomicInteger accepted = new AtomicInteger();

		@Bean
		RpcServerCustomizer holdArmedConnectionSetup() {
			return new RpcServerCustomizer() {

				@Override
				public void customize(ServerBootstrap bootstrap) {
					bootstrap.handler(new CountAccepted(HoldSetup.this.accepted));
				}

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

	@ChannelHandler.Sharable
	static final class CountAccepted extends ChannelInboundHandlerAdapter {

		private final AtomicInteger accepted;

		CountAccepted(AtomicInteger accepted) {
			this.accepted = accepted;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			this.accepted.incrementAndGet();
			ctx.fireChannelRead(msg);
		}

	}

	/** An applicationTaskExecutor of the application's own that refuses tasks once the context closes. */
	@Configuration(proxyBeanMethods = false)
	static class StrictEarlyShutdownExecutor {

		@Bean(name = TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME)
		ThreadPoolTaskExecutor applicationTaskExecutor() {
			ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
			executor.setThreadNamePrefix("strict-");
			executor.setCorePoolSize(8);
			executor.setStrictEarlyShutdown(true);
			return executor;
		}

	}

}
