package io.hellorpc.jsonrpc.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.hellorpc.jsonrpc.support.RunningServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A peer that keeps sending calls but never takes its replies cannot hold its connection open. */
class RpcServerStalledPeerTests {

	/** Calls whose replies are 100 kB each: 20 MB in all, far more than the socket buffers hold. */
	private static final int LARGE_REPLIES = 200;

	/** Then small calls, as many as the peer can write: it keeps sending while it takes nothing. */
	private static final int SMALL_CALLS = 100_000;

	@Test
	void aPeerThatKeepsSendingButStopsTakingItsRepliesIsClosedAfterTheIdleTimeoutAndCounted() throws Exception {
		byte[] large = "{\"method\":\"Big.Reply\",\"params\":[100000],\"id\":0}".repeat(LARGE_REPLIES)
			.getBytes(StandardCharsets.UTF_8);
		byte[] small = "{\"method\":\"Big.Reply\",\"params\":[10],\"id\":1}".getBytes(StandardCharsets.UTF_8);
		// A budget all these replies stay well under (no memory pressure, no shedding decides this),
		// and few calls at once, so that calls are read and wait: only the idle timeout may close it.
		try (RunningServer server = RunningServer.start(Meters.class, "rpc.server.idle-timeout=2s",
				"rpc.server.memory.budget=64MB", "rpc.server.max-calls-in-flight-per-connection=4");
				Socket peer = new Socket()) {
			NettyRpcServer listener = server.bean(NettyRpcServer.class);
			MeterRegistry meters = server.bean(MeterRegistry.class);
			// A small receive window: the kernel takes little of what the peer never reads.
			peer.setReceiveBufferSize(4096);
			peer.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
			OutputStream out = peer.getOutputStream();
			// Sends (until its socket blocks, or the server closes the connection); never reads.
			Thread sender = new Thread(() -> {
				try {
					out.write(large);
					out.flush();
					for (int i = 0; i < SMALL_CALLS; i++) {
						out.write(small);
						out.flush();
					}
				}
				catch (IOException ex) {
					// the server closed the connection, or the test closed the socket
				}
			}, "stalled-peer-sender");
			sender.setDaemon(true);
			sender.start();
			await().until(() -> listener.activity().openConnections() == 1);
			// Its replies pile up untaken while calls keep coming or wait to be run: the connection
			// has traffic, yet takes nothing; it is closed after the idle timeout, and counted.
			await("the stalled peer's connection closed by the server").until(() -> listener.activity().openConnections() == 0);
			assertThat(idleClosed(meters)).isEqualTo(1);
			peer.close();
			sender.join(60_000);
			assertThat(sender.isAlive()).isFalse();
		}
	}

	private static double idleClosed(MeterRegistry meters) {
		Counter counter = meters.find("rpc.server.connections.idle.closed").counter();
		return (counter != null) ? counter.count() : 0;
	}

	/** A registry of the test's own, so that the server's counters count; and a call with a reply as large as asked. */
	@Configuration(proxyBeanMethods = false)
	@Import(BigReplies.class)
	static class Meters {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	@RpcEndpoint(name = "Big")
	static class BigReplies {

		public String reply(int size) {
			return "r".repeat(size);
		}

	}

}
