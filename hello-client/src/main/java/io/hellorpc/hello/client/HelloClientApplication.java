package io.hellorpc.hello.client;

import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The hello CLI, as the Go original's client mode: {@code java -jar hello-client.jar --name=ciro}
 * prints {@code Hello ciro}. See {@link CommandLine} for the options and exit codes.
 */
@SpringBootApplication
public class HelloClientApplication {

	public static void main(String[] args) {
		CommandLine commandLine = CommandLine.parse(args);
		if (commandLine.finished()) {
			System.exit(commandLine.exitCode());
		}
		System.exit(SpringApplication.exit(SpringApplication.run(HelloClientApplication.class, commandLine.springArgs())));
	}

	@Bean
	RpcTemplate rpcTemplate(RpcTemplateBuilder builder) {
		return builder.build();
	}

}
