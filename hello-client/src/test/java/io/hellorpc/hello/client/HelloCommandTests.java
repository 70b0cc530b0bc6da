package io.hellorpc.hello.client;

import io.hellorpc.jsonrpc.client.RpcServiceProxyFactory;
import io.hellorpc.jsonrpc.test.MockRpcServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example of unit-testing calling code (README, Testing your endpoints): the CLI's runner
 * calling through its {@link Greeter} client, made over a {@link MockRpcServer} instead of a socket.
 */
@ExtendWith(OutputCaptureExtension.class)
class HelloCommandTests {

	private final MockRpcServer server = MockRpcServer.create();

	private final HelloCommand command = new HelloCommand(
			RpcServiceProxyFactory.of(this.server.operations()).createClient(Greeter.class), new MockEnvironment());

	@AfterEach
	void everyExpectedCallWasMade() {
		this.server.verify();
	}

	@Test
	void theReplysMessageIsPrintedAndTheExitCodeIsZero(CapturedOutput output) throws Exception {
		this.server.expect("Handler.Execute", new Greeter.Request("ciro")).andRespond(new Greeter.Response("Hello ciro"));
		this.command.run(new DefaultApplicationArguments("--name=ciro"));
		assertThat(output.getOut()).isEqualTo("Hello ciro" + System.lineSeparator());
		assertThat(this.command.getExitCode()).isZero();
	}

	@Test
	void theServersErrorIsPrintedOnStderrAndTheExitCodeIsOne(CapturedOutput output) throws Exception {
		this.server.expect("Handler.Execute", new Greeter.Request("")).andRespondWithError("A name must be specified");
		this.command.run(new DefaultApplicationArguments());
		assertThat(output.getOut()).isEmpty();
		assertThat(output.getErr()).isEqualTo("A name must be specified" + System.lineSeparator());
		assertThat(this.command.getExitCode()).isEqualTo(1);
	}

	@Test
	void aConnectionFailureExitsTwoAndATimeoutThree() throws Exception {
		this.server.expect("Handler.Execute").andFailToConnect();
		this.command.run(new DefaultApplicationArguments("--name=a"));
		assertThat(this.command.getExitCode()).isEqualTo(2);
		this.server.expect("Handler.Execute").andTimeout();
		this.command.run(new DefaultApplicationArguments("--name=a"));
		assertThat(this.command.getExitCode()).isEqualTo(3);
	}

	@Test
	void countCallsArePrintedAsTheFirstReplyAndASummary(CapturedOutput output) throws Exception {
		for (int i = 0; i < 3; i++) {
			this.server.expect("Handler.Execute", new Greeter.Request("ciro")).andRespond(new Greeter.Response("Hello ciro"));
		}
		this.command.run(new DefaultApplicationArguments("--name=ciro", "--count=3", "--concurrency=2"));
		assertThat(output.getOut()).isEqualTo("Hello ciro" + System.lineSeparator() + "3 calls: 3 ok, 0 failed"
				+ System.lineSeparator());
		assertThat(this.command.getExitCode()).isZero();
	}

}
