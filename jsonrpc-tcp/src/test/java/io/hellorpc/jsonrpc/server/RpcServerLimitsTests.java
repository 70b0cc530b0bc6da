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
			await().until(() -> server.bean(NettyRpcServer.class).activity().openConnections() == 1);
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
			await().until(() -> server.bean(NettyRpcServer.class).activity().openConnections() == 1);
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
	void aPeerThatNeverReadsItsRepliesHoldsABoundedAmountOfServerMemory() throws Exception {
		String call = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + "y".repeat(100_000) + "\"}],\"id\":0}";
		try (RunningServer server = RunningServer.start("rpc.server.outbound-high-water-mark=256KB",
				"rpc.server.max-calls-in-flight-per-connection=4")) {
			NettyRpcServer listener = server.bean(NettyRpcServer.class);
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
			await().until(() -> listener.activity().readingPaused() > 0);
			// What stays queued: up to the high-water mark, plus the replies of the calls that were running.
			long bound = 256 * 1024 + 4 * 100_200;
			assertThat(listener.pendingOutboundBytes()).isPositive().isLessThanOrEqualTo(bound);
			try (RawConnection other = server.connect()) {
				other.send(HELLO);
				assertThat(other.readLine()).contains("Hello ciro");
			}
			assertThat(listener.pendingOutboundBytes()).isLessThanOrEqualTo(bound);
			hog.close();
			sender.join(10_000);
			assertThat(sender.isAlive()).isFalse();
		}
	}

	@Test
	void readingStopsPastTheHighWaterMarkAndResumesOnceTheRepliesDrainToHalfOfIt() throws Exception {
		int calls = 500;
		String name = "w".repeat(4_000);
		byte[] call = ("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + name + "\"}],\"id\":0}")
			.getBytes(StandardCharsets.UTF_8);
		byte[] marker = "{\"method\":\"Slow.Hold\",\"params\":[\"marker\"],\"id\":1}".getBytes(StandardCharsets.UTF_8);
		// One call at a time, so that each starts only once the one before it is answered.
		try (RunningServer server = RunningServer.start(WatchWritability.class, "rpc.server.outbound-high-water-mark=64KB",
				"rpc.server.max-calls-in-flight-per-connection=1");
				Socket peer = new Socket()) {
			NettyRpcServer listener = server.bean(NettyRpcServer.class);
			TestServices.Sleeper sleeper = server.bean(TestServices.Sleeper.class);
			List<Change> changes = server.bean(WatchWritability.class).changes;
			// A small receive window: the kernel holds little of what the peer does not read.
			peer.setReceiveBufferSize(4096);
			peer.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
			peer.setSoTimeout(10_000);
			OutputStream out = peer.getOutputStream();
			// 500 calls with 4 kB replies (2 MB: more than the kernel buffers), then one the test holds at
			// its gate; sent from a thread, since the server stops reading them. Closing the socket ends it.
			Thread sender = new Thread(() -> {
				try {
					for (int i = 0; i < calls; i++) {
						out.write(call);
					}
					out.write(marker);
					out.flush();
				}
				catch (IOException ex) {
					// closed by the test
				}
			});
			sender.setDaemon(true);
			sender.start();
			await().until(() -> listener.activity().readingPaused() > 0);
			// Paused past the mark, and still past half of it: the marker, behind the big calls, has not started.
			assertThat(changes.get(0).writable()).isFalse();
			assertThat(changes.get(0).pending()).isGreaterThan(64 * 1024);
			assertThat(listener.pendingOutboundBytes()).isGreaterThan(32 * 1024);
			assertThat(sleeper.running()).isZero();
			// The peer reads: every reply comes, then the marker runs, which takes reading and running resumed.
			BufferedReader in = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
			for (int i = 0; i < calls; i++) {
				assertThat(in.readLine()).isEqualTo("{\"id\":0,\"result\":{\"Message\":\"Hello " + name + "\"},\"error\":null}");
			}
			await().until(() -> sleeper.running() == 1);
			sleeper.release(1);
			assertThat(in.readLine()).isEqualTo("{\"id\":1,\"result\":\"marker\",\"error\":null}");
			// Each pause came past the mark, each resumption once the replies queued were under half of it
			// (not only once they were all taken), and the connection ended writable.
			assertThat(changes).isNotEmpty().last().extracting(Change::writable).isEqualTo(true);
			assertThat(changes).filteredOn(Change::writable)
				.isNotEmpty()
				.allSatisfy((change) -> assertThat(change.pending()).isLessThan(32 * 1024))
				.anySatisfy((change) -> assertThat(change.pending()).isPositive());
			assertThat(changes).filteredOn((change) -> !change.writable())
				.hasSize((int) listener.activity().readingPaused())
				.allSatisfy((change) -> assertThat(change.pending()).isGreaterThan(64 * 1024));
		}
	}

	/** A change of a connection's writability, with the bytes of replies queued on it then. */
	record Change(boolean writable, long pending) {
	}

	/** Watches every connection's writability from the head of its pipeline; small send buffers. */
	@Configuration(proxyBeanMethods = false)
	static class WatchWritability {

		final List<Change> changes = new CopyOnWriteArrayList<>();

		@Bean
		RpcServerCustomizer watchWritability() {
			return new RpcServerCustomizer() {
				// Small kernel send buffers: the queue drains one 4 kB reply at a time as the peer reads, so
				// that it is seen passing half the mark on its way down.
				@Override
				public void customize(ServerBootstrap bootstrap) {
					bootstrap.childOption(ChannelOption.SO_SNDBUF, 4096);
				}

				@Override
				public void customize(SocketChannel connection) {
					connection.pipeline().addFirst("watch", new ChannelInboundHandlerAdapter() {
						@Override
						public void channelWritabilityChanged(ChannelHandlerContext ctx) {
							var buffer = ctx.channel().unsafe().outboundBuffer();
							WatchWritability.this.changes.add(new Change(ctx.channel().isWritable(),
									(buffer != null) ? buffer.totalPendingWriteBytes() : 0));
							ctx.fireChannelWritabilityChanged();
						}
					});
				}
			};
		}

	}

}
