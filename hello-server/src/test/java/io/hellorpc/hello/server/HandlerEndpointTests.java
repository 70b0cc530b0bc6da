package io.hellorpc.hello.server;

import io.hellorpc.jsonrpc.client.RpcOperations;
import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.test.AutoConfigureRpcTemplate;
import io.hellorpc.jsonrpc.test.LocalRpcPort;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The example of testing an endpoint (README, Testing your endpoints): the whole application on a
 * free port ({@code @AutoConfigureRpcTemplate} overrides {@code application.yml}'s 1337), called
 * over TCP by the template it provides and by raw bytes on {@code @LocalRpcPort}.
 */
@SpringBootTest
@AutoConfigureRpcTemplate
class HandlerEndpointTests {

	@LocalRpcPort
	private int port;

	@Autowired
	private RpcOperations rpc;

	@Test
	void executeSaysHelloToTheName() {
		Handler.Response response = this.rpc.call("Handler.Execute", new Handler.Request("ciro"), Handler.Response.class);
		assertThat(response.message()).isEqualTo("Hello ciro");
	}

	@Test
	void anEmptyNameIsAnsweredWithTheHandlersError() {
		assertThatExceptionOfType(RpcRemoteException.class)
			.isThrownBy(() -> this.rpc.call("Handler.Execute", new Handler.Request(""), Handler.Response.class))
			.withMessage("A name must be specified");
	}

	@Test
	void executeIsDeclaredNonBlockingSoItRunsOnTheEventLoopInTheDefaultMode(@Autowired RpcServiceRegistry registry) {
		assertThat(registry.methods()).filteredOn((method) -> method.wireName().equals("Handler.Execute"))
			.singleElement()
			.satisfies((method) -> assertThat(method.nonBlocking()).isTrue());
	}

	@Test
	void theBytesOnLocalRpcPortAreGosOwn() {
		assertThat(this.port).isNotEqualTo(1337);
		try (RawConnection connection = new RawConnection(this.port)) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":0}\n");
			assertThat(connection.readLine()).isEqualTo("{\"id\":0,\"result\":{\"Message\":\"Hello ciro\"},\"error\":null}");
		}
	}

}
