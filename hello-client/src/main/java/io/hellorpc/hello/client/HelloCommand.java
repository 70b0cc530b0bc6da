package io.hellorpc.hello.client;

import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcException;
import io.hellorpc.jsonrpc.client.RpcRemoteException;
import io.hellorpc.jsonrpc.client.RpcTimeoutException;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Calls {@code Handler.Execute} once, through the {@link Greeter} client: the reply's message on
 * stdout, or one line on stderr and an exit code that says what went wrong. Checking the name is
 * the server's job, as in the original.
 */
@Component
class HelloCommand implements ApplicationRunner, ExitCodeGenerator {

	private final Greeter greeter;

	private final boolean debug;

	private int exitCode;

	HelloCommand(Greeter greeter, Environment environment) {
		this.greeter = greeter;
		// As Boot reads its own --debug: present and not "false".
		String debug = environment.getProperty("debug");
		this.debug = debug != null && !debug.equals("false");
	}

	@Override
	public void run(ApplicationArguments arguments) {
		String name = arguments.containsOption("name") ? String.join(",", arguments.getOptionValues("name")) : "";
		try {
			Greeter.Response response = this.greeter.execute(new Greeter.Request(name));
			System.out.println(response.message());
			this.exitCode = 0;
		}
		catch (RpcException ex) {
			System.err.println(ex.getMessage());
			if (this.debug) {
				ex.printStackTrace();
			}
			this.exitCode = exitCodeFor(ex);
		}
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	private static int exitCodeFor(RpcException ex) {
		if (ex instanceof RpcConnectionException) {
			return 2;
		}
		if (ex instanceof RpcTimeoutException) {
			return 3;
		}
		return 1;
	}

}
