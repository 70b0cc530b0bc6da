package io.hellorpc.jsonrpc.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every limit: past it the peer gets an error it can read (or waits), and the server carries on. */
class RpcServerLimitsTests {

	private static final String HELLO = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":0}\n";

	@Test
	void anOversizeMessageGetsAnErrorNamingTheLimitThenTheConnectionCloses() {
		try (RunningServer server = RunningServer.start("rpc.server.max-message-size=1KB");
				RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + "x".repeat(4096) + "\"}],\"id\":9}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":null,\"result\":null,\"error\":"
					+ "\"jsonrpc: message too large: the limit is 1024 bytes (rpc.server.max-message-size)\"}");
			assertThat(connection.isClosedByServer()).isTrue();
			try (RawConnection other = server.connect()) {
				other.send(HELLO);
				assertThat(other.readLine()).contains("Hello ciro");
			}
		}
	}

	@Test
	void aMessageJustUnderTheLimitIsServed() {
		try (RunningServer server = RunningServer.start("rpc.server.max-message-size=1KB");
				RawConnection connection = server.connect()) {
			String prefix = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"";
			String suffix = "\"}],\"id\":9}";
			String name = "x".repeat(1024 - prefix.length() - suffix.length());
			connection.send(prefix + name + suffix);
			assertThat(connection.readLine()).contains("Hello " + name);
		}
	}

	@Test
	void aConnectionOverTheMaximumIsClosedAtOnceAndTheOthersGoOn() {
		try (RunningServer server = RunningServer.start("rpc.server.max-connections=2");
				RawConnection first = server.connect();
				RawConnection second = server.connect()) {
			first.send(HELLO);
			assertThat(first.readLine()).contains("Hello ciro");
			try (RawConnection third = server.connect()) {
				assertThat(third.readLine()).isEqualTo("{\"id\":null,\"result\":null,\"error\":"
						+ "\"jsonrpc: too many connections: the limit is 2 (rpc.server.max-connections)\"}");
				assertThat(third.isClosedByServer()).isTrue();
			}
			second.send(HELLO);
			assertThat(second.readLine()).contains("Hello ciro");
			first.close();
			await().until(() -> server.bean(RpcServer.class).activity().openConnections() == 1);
			try (RawConnection fourth = server.connect()) {
				fourth.send(HELLO);
				assertThat(fourth.readLine()).contains("Hello ciro");
			}
		}
	}

	@Test
	void tooManyCallsInFlightPausesReadingInsteadOfFailingCalls() {
		try (RunningServer server = RunningServer.start("rpc.server.max-calls-in-flight-per-connection=2");
				RawConnection connection = server.connect()) {
			TestServices.Sleeper sleeper = server.bean(TestServices.Sleeper.class);
			StringBuilder calls = new StringBuilder();
			for (int i = 0; i < 8; i++) {
				calls.append("{\"method\":\"Slow.Hold\",\"params\":[\"n").append(i).append("\"],\"id\":").append(i).append("}");
			}
			connection.send(calls.toString());
			// Every call waits at the gate until let through one at a time, each only once two are
			// held: had the limit not held, all eight would be running at the gate at once.
			List<String> replies = new ArrayList<>();
			for (int i = 0; i < 8; i++) {
				int expected = Math.min(2, 8 - i);
				await().until(() -> sleeper.running() == expected);
				sleeper.release(1);
				replies.add(connection.readLine());
			}
			assertThat(replies).allMatch((reply) -> reply.contains("\"error\":null")).hasSize(8);
			assertThat(sleeper.mostAtOnce()).isEqualTo(2);
		}
	}

	@Test
	void aConnectionThatBeginsAMessageAndNeverFinishesIsClosedAtTheIdleTimeout() {
		try (RunningServer server = RunningServer.start("rpc.server.idle-timeout=300ms");
				RawConnection busy = server.connect()) {
			// A connection with a call running is never idle, however long the call takes.
			busy.send("{\"method\":\"Slow.Hold\",\"params\":[\"still here\"],\"id\":1}");
			TestServices.Sleeper sleeper = server.bean(TestServices.Sleeper.class);
			await().until(() -> sleeper.running() == 1);
			try (RawConnection loris = server.connect()) {
				loris.send("{\"method\":\"Handler.Execute\",\"par");
				assertThat(loris.isClosedByServer()).isTrue();
			}
			await().until(() -> server.bean(RpcServer.class).activity().openConnections() == 1);
			sleeper.release(1);
			assertThat(busy.readLine()).contains("still here");
		}
	}

	@Test
	void theLimitIsPerMessageSoFortyPipelined400KbCallsUnderA1MbLimitAreAllAnswered() throws Exception {
		String name = "x".repeat(400_000);
		String call = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + name + "\"}],\"id\":0}";
		try (RunningServer server = RunningServer.start("rpc.server.max-message-size=1MB");
				RawConnection connection = server.connect()) {
			// Written in one go from another thread: replies must be read while the calls are still being sent.
			CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> connection.send(call.repeat(40)));
			for (int i = 0; i < 40; i++) {
				assertThat(connection.readLine()).startsWith("{\"id\":0,\"result\":{\"Message\":\"Hello xxx").endsWith("\"},\"error\":null}");
			}
			sent.get();
		}
	}

	@Test
	void aPeerThatNeverReadsItsRepliesIsHeldBackUnderMemoryPressureWhileConnectionsHoldingNothingAreServed() throws Exception {
		String call = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + "y".repeat(100_000) + "\"}],\"id\":0}";
		// A connection held back is not read, so it sees its peer leave only at the idle timeout (NIO
		// reports nothing on a socket it is not reading): short here, with room for the checks below.
		try (RunningServer server = RunningServer.start("rpc.server.memory.budget=2MB",
				"rpc.server.memory.pressure-threshold=0.5", "rpc.server.max-calls-in-flight-per-connection=4",
				"rpc.server.idle-timeout=10s");
				RawConnection other = server.connect()) {
			RpcServerActivity activity = server.bean(RpcServer.class).activity();
			other.send(HELLO);
			assertThat(other.readLine()).contains("Hello ciro");
			RawConnection hog = server.connect();
			// Sends until its own socket blocks (the server stopped reading it); closing it ends the thread.
			Thread sender = new Thread(() -> {
				try {
					for (int i = 0; i < 2_000; i++) {
						hog.send(call);
					}
				}
				catch (RuntimeException ex) {
					// closed by the test
				}
			});
			sender.start();
			// Reading can pause first for the in-flight limit (4 calls running); the pressure comes as replies pile up.
			await().until(() -> activity.underMemoryPressure() && activity.readingPaused() > 0);
			// What the server holds: the replies queued when pressure began, those of the calls that were
			// running, and one read: under the budget, so nothing was shed.
			assertThat(activity.bufferedBytes()).isPositive().isLessThanOrEqualTo(2 * 1024 * 1024);
			assertThat(activity.connectionsShed()).isZero();
			// A connection holding nothing is served all the while.
			other.send(HELLO);
			assertThat(other.readLine()).contains("Hello ciro");
			hog.close();
			sender.join(10_000);
			assertThat(sender.isAlive()).isFalse();
			// The hog's bytes go with it (at the idle timeout at the latest); the pressure ends by itself and
			// new connections are accepted again.
			await().until(() -> activity.bufferedBytes() == 0 && !activity.underMemoryPressure());
			try (RawConnection late = server.connect()) {
				late.send(HELLO);
				assertThat(late.readLine()).contains("Hello ciro");
			}
		}
	}

}
