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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A peer that keeps sending calls but never takes its replies cannot hold its connection open. */
class RpcServerStalledPeerTests {

	/** Bounded: 300 calls of 100 kB replies (30 MB), far more than the socket buffers hold. */
	private static final int CALLS = 300;

	@Test
	void aPeerThatStopsTakingItsRepliesIsClosedAfterTheIdleTimeoutAndCounted() throws Exception {
		byte[] call = ("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + "z".repeat(100_000) + "\"}],\"id\":0}")
			.getBytes(StandardCharsets.UTF_8);
		// A budget the 30 MB of replies stay under (no memory pressure, no shedding decides this), and
		// few calls at once: only the idle timeout may close this connection.
		try (RunningServer server = RunningServer.start(Meters.class, "rpc.server.idle-timeout=2s",
				"rpc.server.memory.budget=64MB", "rpc.server.max-calls-in-flight-per-connection=4");
				Socket peer = new Socket()) {
			NettyRpcServer listener = server.bean(NettyRpcServer.class);
			MeterRegistry meters = server.bean(MeterRegistry.class);
			// A small receive window: the kernel takes little of what the peer never reads.
			peer.setReceiveBufferSize(4096);
			peer.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
			OutputStream out = peer.getOutputStream();
			// Keeps sending (until its socket blocks, or the server closes the connection); never reads.
			Thread sender = new Thread(() -> {
				try {
					for (int i = 0; i < CALLS; i++) {
						out.write(call);
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
			// Its replies pile up untaken, and calls keep coming or wait: the connection is not idle
			// by traffic, yet it takes nothing; it is closed after the idle timeout.
			await().until(() -> listener.activity().openConnections() == 0);
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

	/** A registry of the test's own, so that the server's counters count. */
	@Configuration(proxyBeanMethods = false)
	static class Meters {

		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

}
