package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.server.RpcServerActivity;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server that ends its connections at {@code rpc.server.max-connection-age} costs our client no
 * call: what the server refuses unrun ({@code rpc: call not started: …}) is sent again on a new
 * connection, and the aged one is retired and closed by the client once its calls are answered.
 */
class RpcTemplateConnectionAgeTests {

	@ParameterizedTest
	@EnumSource(RpcProtocol.class)
	void underLoadConnectionsThatReachTheirAgeCostNoCall(RpcProtocol protocol) throws Exception {
		try (RunningServer server = RunningServer.start("rpc.server.max-connection-age=200ms",
				"rpc.server.max-connection-age-grace=5s");
				RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", server.port())
					.protocol(protocol)
					.timeout(Duration.ofSeconds(30))
					.build()) {
			RpcServerActivity activity = server.bean(RpcServerActivity.class);
			AtomicInteger answered = new AtomicInteger();
			ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
			long giveUp = System.nanoTime() + Duration.ofMinutes(2).toNanos();
			List<Thread> callers = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
				String name = "c" + i;
				Thread caller = new Thread(() -> {
					// Until several connections have aged under this load (bounded in calls and time).
					for (int n = 0; n < 200_000 && activity.connectionsAged() < 4 && System.nanoTime() < giveUp; n++) {
						try {
							if (rpc.call("Handler.Execute", new Request(name), Response.class).message().equals("Hello " + name)) {
								answered.incrementAndGet();
							}
						}
						catch (RuntimeException ex) {
							failures.add(ex);
						}
					}
				});
				callers.add(caller);
				caller.start();
			}
			for (Thread caller : callers) {
				caller.join();
			}
			assertThat(activity.connectionsAged()).as("connections aged under load").isGreaterThanOrEqualTo(4);
			assertThat(failures).as("calls that failed").isEmpty();
			assertThat(answered.get()).isPositive();
			assertThat(rpc.pendingCalls()).isZero();
		}
	}

}
