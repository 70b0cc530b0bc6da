package io.hellorpc.jsonrpc.autoconfigure;

import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.server.RpcServerLifecycle;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.NoSuchBeanDefinitionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** {@code rpc.server.enabled}: on by default, the listener binds and answers; off, there is none. */
class RpcServerEnabledTests {

	private static final String HELLO = "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":0}\n";

	@Test
	void byDefaultTheListenerBindsAndAnswers() {
		try (RunningServer server = RunningServer.start()) {
			assertListening(server);
		}
	}

	@Test
	void enabledTrueListensAsTheDefaultDoes() {
		try (RunningServer server = RunningServer.start("rpc.server.enabled=true")) {
			assertListening(server);
		}
	}

	@Test
	void enabledFalseMakesNoListenerAndBindsNoPortWhileTheEndpointsStayBeans() {
		try (RunningServer server = RunningServer.start("rpc.server.enabled=false")) {
			assertThat(server.bean(TestServices.Handler.class)).isNotNull();
			assertThatExceptionOfType(NoSuchBeanDefinitionException.class).isThrownBy(() -> server.bean(RpcServer.class));
			assertThatExceptionOfType(NoSuchBeanDefinitionException.class).isThrownBy(() -> server.bean(RpcServerLifecycle.class));
			// local.rpc.port is published once a port is bound: none was.
			assertThatIllegalStateException().isThrownBy(server::port);
		}
	}

	private static void assertListening(RunningServer server) {
		assertThat(server.bean(RpcServer.class).isRunning()).isTrue();
		assertThat(server.port()).isPositive();
		try (RawConnection connection = server.connect()) {
			connection.send(HELLO);
			assertThat(connection.readLine()).isEqualTo("{\"id\":0,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}");
		}
	}

}
