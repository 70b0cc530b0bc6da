package io.hellorpc.hello.client;

import java.util.Arrays;

import io.hellorpc.jsonrpc.client.ImportRpcServices;

import org.springframework.beans.BeansException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ApplicationContextException;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The hello CLI, as the Go original's client mode: {@code java -jar hello-client.jar --name=ciro}
 * prints {@code Hello ciro}. See {@link CommandLine} for the options and exit codes.
 */
@SpringBootApplication
@ImportRpcServices(types = Greeter.class)
public class HelloClientApplication {

	public static void main(String[] args) {
		CommandLine commandLine = CommandLine.parse(args);
		if (commandLine.finished()) {
			System.exit(commandLine.exitCode());
		}
		ConfigurableApplicationContext context;
		try {
			context = SpringApplication.run(HelloClientApplication.class, commandLine.springArgs());
		}
		catch (RuntimeException ex) {
			// A CLI says what is wrong in one line on stderr (the stack trace with --debug), not in a log on stdout.
			System.err.println("hello-client: " + reason(ex));
			if (Arrays.asList(commandLine.springArgs()).contains("--debug")) {
				ex.printStackTrace();
			}
			System.exit(CommandLine.EX_CONFIG);
			return;
		}
		System.exit(SpringApplication.exit(context));
	}

	/** The first cause that is not Spring saying which bean failed: the one that says why. */
	private static String reason(Throwable failure) {
		Throwable reason = failure;
		while ((reason instanceof BeansException || reason instanceof ApplicationContextException)
				&& reason.getCause() != null) {
			reason = reason.getCause();
		}
		return (reason.getMessage() != null) ? reason.getMessage() : reason.toString();
	}

}
