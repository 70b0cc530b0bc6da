package io.hellorpc.jsonrpc.server;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rpc.server.io-threads} is how many event loops serve the connections: Netty hands each new
 * connection to the next loop in turn, so a few connections per loop meet every loop there is, and
 * in event-loop mode a call reports the loop it runs on.
 */
class RpcServerIoThreadsTests {

	private static final Pattern IO_THREAD = Pattern.compile("rpc-io-[0-9-]+");

	@Test
	void ioThreadsIsHowManyEventLoopsServeTheConnections() {
		assertThat(ioThreadsMetBy(12, "rpc.server.io-threads=3")).hasSize(3);
		assertThat(ioThreadsMetBy(12, "rpc.server.io-threads=1")).hasSize(1);
	}

	@Test
	void ioThreadsZeroIsOneEventLoopPerCpu() {
		assertThat(ioThreadsMetBy(4 * Runtime.getRuntime().availableProcessors(), "rpc.server.io-threads=0"))
			.hasSize(Runtime.getRuntime().availableProcessors());
	}

	/** The names of the I/O threads that answered one call on each of {@code connections} connections. */
	private static Set<String> ioThreadsMetBy(int connections, String property) {
		Set<String> threads = new HashSet<>();
		List<RawConnection> open = new ArrayList<>();
		try (RunningServer server = RunningServer.start("rpc.server.call-threads=event-loop", property)) {
			for (int i = 0; i < connections; i++) {
				RawConnection connection = server.connect();
				open.add(connection);
				connection.send("{\"method\":\"Handler.Thread\",\"params\":[\"\"],\"id\":" + i + "}");
				Matcher thread = IO_THREAD.matcher(connection.readLine());
				assertThat(thread.find()).as("the call ran on an I/O thread").isTrue();
				threads.add(thread.group());
			}
		}
		finally {
			open.forEach(RawConnection::close);
		}
		return threads;
	}

}
