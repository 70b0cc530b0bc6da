package io.hellorpc.hello.client;

import java.util.Arrays;
import java.util.List;

import io.hellorpc.jsonrpc.support.RefusingPort;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CLI's context holds what a call needs and nothing of a server: no web server, no actuator,
 * no RPC listener or server-side auto-configuration (README, Starting the CLI fast).
 */
class HelloClientContextTests {

	@Test
	void theContextHoldsTheClientAndNothingOfAServer() {
		try (RefusingPort closed = new RefusingPort();
				ConfigurableApplicationContext context = SpringApplication.run(HelloClientApplication.class,
						"--name=ciro", "--rpc.client.host=127.0.0.1", "--rpc.client.port=" + closed.port(),
						"--rpc.client.timeout=1ms")) {
			assertThat(context.getClass().getName()).doesNotContain("Web", "Reactive");
			assertThat(context.getBean(Greeter.class)).isNotNull();
			List<String> classes = Arrays.stream(context.getBeanDefinitionNames())
				.map(name -> context.getBeanFactory().getType(name))
				.filter(type -> type != null)
				.map(Class::getName)
				.toList();
			assertThat(classes).isNotEmpty()
				.noneMatch(name -> name.startsWith("io.hellorpc.jsonrpc.server."))
				.noneMatch(name -> name.startsWith("org.springframework.boot.actuate"))
				.noneMatch(name -> name.contains(".web."))
				.noneMatch(name -> name.contains("Rpc") && name.contains("Server"));
		}
	}

}
