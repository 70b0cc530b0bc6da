package io.hellorpc.jsonrpc.test;

import io.hellorpc.jsonrpc.client.RpcOperations;
import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.server.RpcServer;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.TestServices;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** A {@code @SpringBootTest} with {@code @AutoConfigureRpcTemplate}: a free port, {@code @LocalRpcPort}, a template calling it. */
@SpringBootTest(classes = TestServices.class, properties = "rpc.server.port=1337")
@AutoConfigureRpcTemplate
class AutoConfigureRpcTemplateTests {

	@LocalRpcPort
	int port;

	@Autowired
	RpcOperations rpc;

	@Autowired
	ApplicationContext context;

	@Test
	void theListenerIsOnAFreePortInjectedByLocalRpcPortWhateverTheApplicationConfigures() {
		assertThat(this.port).isPositive().isNotEqualTo(1337);
		assertThat(this.context.getBean(RpcServer.class).address().getPort()).isEqualTo(this.port);
		try (RawConnection connection = new RawConnection(this.port)) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"raw\"}],\"id\":1}");
			assertThat(connection.readLine()).isEqualTo("{\"id\":1,\"result\":{\"Message\":\"Hello raw\"},\"error\":null}");
		}
	}

	@Test
	void theTemplateBeanCallsTheApplicationsOwnListener() {
		assertThat(this.rpc).isSameAs(this.context.getBean(RpcTemplateTestAutoConfiguration.BEAN_NAME, RpcTemplate.class));
		assertThat(this.rpc.call("Handler.Execute", new TestServices.Request("test"), TestServices.Response.class))
			.isEqualTo(new TestServices.Response("Hello test"));
		assertThatExceptionOfType(RpcRemoteException.class)
			.isThrownBy(() -> this.rpc.call("Handler.Execute", new TestServices.Request(""), TestServices.Response.class))
			.withMessage("A name must be specified");
	}

}
