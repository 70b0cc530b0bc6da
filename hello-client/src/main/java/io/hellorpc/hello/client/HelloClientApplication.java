package io.hellorpc.hello.client;

import java.util.Arrays;

import io.hellorpc.jsonrpc.client.ImportRpcServices;

import org.springframework.aot.AotDetector;
import org.springframework.beans.BeansException;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ApplicationContextException;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

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
		useAotContextWhenPackaged();
		ConfigurableApplicationContext context;
		try {
			context = SpringApplication.run(HelloClientApplication.class, commandLine.springArgs());
		}
		catch (SpringApplication.AbandonedRunException ex) {
			throw ex; // the build's AOT processing stops the run once the context is defined
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

	/**
	 * The packaged jar holds the context that Spring AOT generated at build time (no configuration
	 * classes parsed, no conditions evaluated at start-up: a few hundred milliseconds of a CLI run).
	 * Only there: from an IDE's class folder the generated classes may be older than the sources.
	 * {@code -Dspring.aot.enabled=false} turns it off.
	 */
	private static void useAotContextWhenPackaged() {
		String aotInitializer = HelloClientApplication.class.getName() + "__ApplicationContextInitializer";
		boolean packaged = "jar".equals(HelloClientApplication.class.getResource("HelloClientApplication.class").getProtocol());
		if (packaged && System.getProperty(AotDetector.AOT_ENABLED) == null
				&& ClassUtils.isPresent(aotInitializer, HelloClientApplication.class.getClassLoader())) {
			System.setProperty(AotDetector.AOT_ENABLED, "true");
		}
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
