package io.hellorpc.hello.client;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.convert.DurationStyle;

/**
 * The CLI's options, checked before Spring starts so that a typo costs nothing and gets the usage.
 * {@code --host}, {@code --port} and {@code --timeout} are short names for {@code rpc.client.*};
 * any other {@code --some.property=value} is passed to Spring as is.
 */
final class CommandLine {

	static final int EX_USAGE = 64;

	/** sysexits.h: the configuration (a property, an SSL bundle) is wrong. */
	static final int EX_CONFIG = 78;

	static final String USAGE = """
			Usage: java -jar hello-client.jar [--name=NAME] [--count=N] [--concurrency=K] [--host=HOST] [--port=PORT]
			                                  [--timeout=DURATION] [--debug]
			Calls Handler.Execute on a hello-rpc (or Go net/rpc/jsonrpc) server and prints the reply.

			  --name=NAME         the name to greet (the server rejects an empty one)
			  --count=N           make N calls (default 1); with N > 1 the first reply is printed,
			                      then a summary line: "N calls: OK ok, F failed"
			  --concurrency=K     K callers at once share the N calls (default 1: one after the other)
			  --host=HOST         server host (default localhost; environment RPC_CLIENT_HOST)
			  --port=PORT         server JSON-RPC port (default 1337; environment RPC_CLIENT_PORT)
			  --timeout=DURATION  how long to wait for the reply: 500ms, 5s, ... (default 10s)
			  --debug             log what happens and print stack traces
			  --some.property=V   any Spring property, e.g. --rpc.client.ssl.bundle=NAME to call
			                      over TLS with the spring.ssl.bundle.*.NAME bundle
			  --help              print this help

			Exit status: 0 answered, 1 the server answered with an error, 2 server unreachable,
			3 no reply in time, 64 bad usage, 78 bad configuration (a property, an SSL bundle).
			With --count, any failed call makes the exit status that of the first failure, whose
			message is printed on stderr.
			""";

	private static final Map<String, String> SHORT_NAMES = Map.of("host", "rpc.client.host", "port",
			"rpc.client.port", "timeout", "rpc.client.timeout");

	private static final Set<String> OWN_OPTIONS = Set.of("name", "debug", "count", "concurrency");

	/** The most calls {@code --count} may ask for: a demo's load, not a benchmark's. */
	static final int MAX_COUNT = 1_000_000;

	/** The most callers {@code --concurrency} may start: the template's default {@code rpc.client.max-pending-calls}. */
	static final int MAX_CONCURRENCY = 10_000;

	private final String[] springArgs;

	private final Integer exitCode;

	private CommandLine(String[] springArgs, Integer exitCode) {
		this.springArgs = springArgs;
		this.exitCode = exitCode;
	}

	static CommandLine parse(String... args) {
		return parse(args, System.out, System.err);
	}

	static CommandLine parse(String[] args, PrintStream out, PrintStream err) {
		DefaultApplicationArguments arguments = new DefaultApplicationArguments(args);
		if (arguments.containsOption("help")) {
			out.print(USAGE);
			return new CommandLine(null, 0);
		}
		if (!arguments.getNonOptionArgs().isEmpty()) {
			return usageError(err, "unexpected argument '" + arguments.getNonOptionArgs().get(0) + "'");
		}
		List<String> springArgs = new ArrayList<>();
		for (String option : arguments.getOptionNames()) {
			String problem = check(option, arguments.getOptionValues(option));
			if (problem != null) {
				return usageError(err, problem);
			}
			String property = SHORT_NAMES.getOrDefault(option, option);
			List<String> values = arguments.getOptionValues(option);
			springArgs.add(values.isEmpty() ? "--" + property : "--" + property + "=" + values.get(values.size() - 1));
		}
		return new CommandLine(springArgs.toArray(String[]::new), null);
	}

	/** Whether the command is already done (help or bad usage) and Spring need not start. */
	boolean finished() {
		return this.exitCode != null;
	}

	int exitCode() {
		return this.exitCode;
	}

	String[] springArgs() {
		return this.springArgs;
	}

	private static String check(String option, List<String> values) {
		boolean known = OWN_OPTIONS.contains(option) || SHORT_NAMES.containsKey(option) || option.contains(".");
		if (!known) {
			return "unknown option '--" + option + "'";
		}
		String value = values.isEmpty() ? null : values.get(values.size() - 1);
		boolean needsValue = SHORT_NAMES.containsKey(option) || option.equals("count") || option.equals("concurrency");
		if (needsValue && (value == null || value.isEmpty())) {
			return "--" + option + " needs a value";
		}
		if (option.equals("port") && !isPort(value)) {
			return "--port must be a number from 1 to 65535, not '" + value + "'";
		}
		if (option.equals("count") && !isIntegerWithin(value, MAX_COUNT)) {
			return "--count must be a number from 1 to " + MAX_COUNT + ", not '" + value + "'";
		}
		if (option.equals("concurrency") && !isIntegerWithin(value, MAX_CONCURRENCY)) {
			return "--concurrency must be a number from 1 to " + MAX_CONCURRENCY + ", not '" + value + "'";
		}
		if (option.equals("timeout") && !isDuration(value)) {
			return "--timeout must be a duration such as 500ms or 5s, not '" + value + "'";
		}
		return null;
	}

	private static boolean isPort(String value) {
		return isIntegerWithin(value, 65535);
	}

	private static boolean isIntegerWithin(String value, int max) {
		try {
			int number = Integer.parseInt(value);
			return number >= 1 && number <= max;
		}
		catch (NumberFormatException ex) {
			return false;
		}
	}

	private static boolean isDuration(String value) {
		try {
			return !DurationStyle.detectAndParse(value).isNegative();
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private static CommandLine usageError(PrintStream err, String problem) {
		err.println("hello-client: " + problem);
		err.print(USAGE);
		return new CommandLine(null, EX_USAGE);
	}

}
