package io.hellorpc.jsonrpc.server;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The wire format and bad input, over real sockets against a real context on a free port. */
@ExtendWith(OutputCaptureExtension.class)
class RpcServerWireTests {

	private static final String HELLO = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":0}\n";

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.startWith(new Class<?>[] { HalfCloseWatch.class });
	}

	/** The peers (by port) whose end of input a connection's call handler has taken in. */
	static final class HalfClosedPeers {

		final Set<Integer> ports = ConcurrentHashMap.newKeySet();

	}

	/** Tells the test when the server has handled a peer's half-close, so that nothing has to be timed around it. */
	@Configuration(proxyBeanMethods = false)
	static class HalfCloseWatch {

		@Bean
		HalfClosedPeers halfClosedPeers() {
			return new HalfClosedPeers();
		}

		@Bean
		RpcServerCustomizer watchHalfCloses(HalfClosedPeers peers) {
			return new RpcServerCustomizer() {
				@Override
				public void customize(SocketChannel connection) {
					connection.pipeline().addBefore("closer", "half-close-watch", new ChannelInboundHandlerAdapter() {
						@Override
						public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
							// Passed on first: once the port is recorded, the call handler has handled the event.
							ctx.fireUserEventTriggered(event);
							if (event instanceof ChannelInputShutdownEvent) {
								peers.ports.add(((InetSocketAddress) ctx.channel().remoteAddress()).getPort());
							}
						}
					});
				}
			};
		}

	}

	private static String hold(String key, int id) {
		return "{\"method\":\"Gate.Hold\",\"params\":[\"" + key + "\"],\"id\":" + id + "}\n";
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void seedRequestGetsGoReplyByteForByte() {
		try (RawConnection connection = server.connect()) {
			connection.send(HELLO);
			assertThat(connection.readLine()).isEqualTo("{\"id\":0,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}");
		}
	}

	@Test
	void emptyOrMissingNameIsRejectedWithTheOriginalErrorText() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"\"}],\"id\":1}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":null,\"error\":\"A name must be specified\"}");
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{}],\"id\":2}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":2,\"result\":null,\"error\":\"A name must be specified\"}");
		}
	}

	@Test
	void routingErrorsUseGoTextsAndTheConnectionStaysUsable() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Nope.Execute\",\"params\":[{}],\"id\":1}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":null,\"error\":\"rpc: can't find service Nope.Execute\"}");
			connection.send("{\"method\":\"Handler.Nope\",\"params\":[{}],\"id\":2}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":2,\"result\":null,\"error\":\"rpc: can't find method Handler.Nope\"}");
			connection.send("{\"method\":\"X\",\"params\":[{}],\"id\":3}");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":3,\"result\":null,\"error\":\"rpc: service/method request ill-formed: X\"}");
			connection.send(HELLO);
			assertThat(connection.readLine()).contains("Hello ciro");
		}
	}

	@Test
	void idsAreEchoedExactlyIncludingUint64AndStrings() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"name\":\"a\"}],\"id\":18446744073709551615}");
			assertThat(connection.readLine()).startsWith("{\"id\":18446744073709551615,\"result\":{\"Message\":\"Hello a\"}");
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"name\":\"b\"}],\"id\":\"call-7\"}");
			assertThat(connection.readLine()).startsWith("{\"id\":\"call-7\",");
		}
	}

	@Test
	void badParamsFailThatCallAndTheConnectionGoesOn() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":{\"Name\":\"x\"},\"id\":1}");
			assertThat(connection.readLine()).isEqualTo(
					"{\"id\":1,\"result\":null,\"error\":\"json: cannot unmarshal object into Go value of type [1]interface {}\"}");
			connection.send("{\"method\":\"Handler.Execute\",\"id\":2}");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":2,\"result\":null,\"error\":\"jsonrpc: request body missing params\"}");
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":[1]}],\"id\":3}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":3,\"result\":null,\"error\":"
					+ "\"json: cannot unmarshal array into Go struct field Request.Name of type string\"}");
			connection.send(HELLO);
			assertThat(connection.readLine()).contains("Hello ciro");
		}
	}

	@Test
	void aHandlerThatOverflowsItsStackFailsThatCallOnly() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Recurse\",\"params\":[\"x\"],\"id\":1}");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":1,\"result\":null,\"error\":\"rpc: Handler.Recurse failed with an internal error\"}");
			connection.send(HELLO);
			assertThat(connection.readLine()).contains("Hello ciro");
		}
		org.awaitility.Awaitility.await().until(() -> server.bean(RpcServer.class).activity().callsInFlight() == 0);
	}

	@Test
	void genericParamsAndResultsAreConverted() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Sum\",\"params\":[[1,2,39]],\"id\":1}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":[42],\"error\":null}");
		}
	}

	@Test
	void malformedJsonGetsAnErrorWithNullIdThenTheConnectionCloses(CapturedOutput output) {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\": }\n" + HELLO);
			assertThat(connection.readLine()).isEqualTo(
					"{\"id\":null,\"result\":null,\"error\":\"jsonrpc: malformed message: invalid character '}' at byte 11\"}");
			assertThat(connection.isClosedByServer()).isTrue();
		}
		assertServesOthers();
		assertThat(output).doesNotContain("WARN", "ERROR", "\tat ");
	}

	@Test
	void aMessageThatBreaksJsonsGrammarIsAnsweredBeforeItsBracketsBalanceThenTheConnectionCloses(CapturedOutput output) {
		for (String broken : new String[] { "{\"method\":\"Handler.Execute\",\"params\":[}",
				"{\"method\":\"Handler.Execute\",\"params\":[{\"Name\" 1", "{\"method\":\"Handler.Execute\",\"params\":[{\"a\"]",
				"[{\"method\" 1" }) {
			try (RawConnection connection = server.connect()) {
				connection.send(broken);
				assertThat(connection.readLine()).as(broken)
					.isEqualTo("{\"id\":null,\"result\":null,\"error\":\"jsonrpc: malformed message: invalid character '"
							+ broken.charAt(broken.length() - 1) + "' at byte " + (broken.length() - 1) + "\"}");
				assertThat(connection.isClosedByServer()).as(broken).isTrue();
			}
		}
		assertServesOthers();
		assertThat(output).doesNotContain("WARN", "ERROR", "\tat ");
	}

	@Test
	void bytesThatAreNotJsonGetAnErrorThenTheConnectionCloses(CapturedOutput output) {
		try (RawConnection connection = server.connect()) {
			connection.send("GET / HTTP/1.1\r\n\r\n");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":null,\"result\":null,\"error\":\"jsonrpc: malformed message: expected a JSON object, got 'G'\"}");
			assertThat(connection.isClosedByServer()).isTrue();
		}
		assertServesOthers();
		assertThat(output).doesNotContain("WARN", "ERROR", "\tat ");
	}

	@Test
	void aMessageWrittenByteByByteIsReassembled() {
		try (RawConnection connection = server.connect()) {
			for (byte b : HELLO.getBytes(StandardCharsets.UTF_8)) {
				connection.send(new byte[] { b });
			}
			assertThat(connection.readLine()).contains("Hello ciro");
		}
	}

	@Test
	void severalMessagesInOneWriteAllGetReplies() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"a\"}],\"id\":1}"
					+ "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"b\"}],\"id\":2} \n"
					+ "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"c\"}],\"id\":3}");
			assertThat(new String[] { connection.readLine(), connection.readLine(), connection.readLine() })
				.containsExactlyInAnyOrder("{\"id\":1,\"result\":{\"Message\":\"Hello a\"},\"error\":null}",
						"{\"id\":2,\"result\":{\"Message\":\"Hello b\"},\"error\":null}",
						"{\"id\":3,\"result\":{\"Message\":\"Hello c\"},\"error\":null}");
		}
	}

	@Test
	void aPeerThatHalfClosesStillGetsItsRepliesLikeNc() {
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		try (RawConnection connection = server.connect()) {
			connection.send(hold("half-close", 1));
			await().until(() -> gates.started("half-close"));
			connection.shutdownOutput();
			// The server has taken in the end of input while the call is still held: only then may it finish.
			await().until(() -> server.bean(HalfClosedPeers.class).ports.contains(connection.localPort()));
			gates.open("half-close");
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":\"half-close\",\"error\":null}");
			assertThat(connection.isClosedByServer()).isTrue();
		}
	}

	@Test
	void aPeerThatLeavesMidCallIsDroppedQuietly(CapturedOutput output) {
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		RpcServerActivity activity = server.bean(RpcServer.class).activity();
		int peer;
		try (RawConnection connection = server.connect()) {
			peer = connection.localPort();
			connection.send(hold("peer-left", 1));
			// The call has started (its method is running) before the peer leaves.
			await().until(() -> gates.started("peer-left"));
		}
		try {
			// The server has seen the peer go while the call still runs; then the call ends with nowhere to answer.
			await().until(() -> server.bean(HalfClosedPeers.class).ports.contains(peer));
			assertThat(activity.callsInFlight()).isEqualTo(1);
		}
		finally {
			gates.open("peer-left");
		}
		// Its slot is freed, its connection closed, other connections served, and nothing logged above DEBUG.
		await().until(() -> activity.callsInFlight() == 0 && activity.openConnections() == 0);
		assertServesOthers();
		assertThat(output).doesNotContain("WARN", "ERROR", "\tat ");
	}

	@Test
	void aSlowCallDoesNotHoldUpAFastOneOnTheSameConnection() {
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		try (RawConnection connection = server.connect()) {
			connection.send(hold("slow", 1));
			await().until(() -> gates.started("slow"));
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"fast\"}],\"id\":2}\n");
			// Answered while the slow call is held: only once its reply is read is the slow one let through.
			assertThat(connection.readLine()).isEqualTo("{\"id\":2,\"result\":{\"Message\":\"Hello fast\"},\"error\":null}");
			gates.open("slow");
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":\"slow\",\"error\":null}");
		}
	}

	@Test
	void aConnectionResetUnderARunningCallCountsTheCallOutAndItsLateAnswerGoesNowhere() {
		TestServices.Gates gates = server.bean(TestServices.Gates.class);
		RpcServerActivity activity = server.bean(RpcServer.class).activity();
		RawConnection connection = server.connect();
		try {
			connection.send("{\"method\":\"Gate.HoldThroughInterrupt\",\"params\":[\"reset\"],\"id\":1}\n");
			await().until(() -> gates.started("reset"));
			assertThat(activity.callsInFlight()).isEqualTo(1);
			connection.reset();
			// The connection is gone (its pipeline torn down) while the call still runs.
			await().until(() -> activity.openConnections() == 0);
		}
		finally {
			gates.open("reset");
		}
		// The call ends with nowhere to answer: nothing stays counted in flight.
		await().until(() -> gates.returned("reset"));
		await().until(() -> activity.callsInFlight() == 0);
		assertServesOthers();
		assertThat(activity.callsInFlight()).isZero();
	}

	private static void assertServesOthers() {
		try (RawConnection other = server.connect()) {
			other.send(HELLO);
			assertThat(other.readLine()).contains("Hello ciro");
		}
	}

}
