package io.hellorpc.hello.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.hellorpc.jsonrpc.client.RpcConnectionException;
import io.hellorpc.jsonrpc.client.RpcException;
import io.hellorpc.jsonrpc.client.RpcTimeoutException;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Calls {@code Handler.Execute} through the {@link Greeter} client: once by default, the reply's
 * message on stdout, or one line on stderr and an exit code that says what went wrong. With
 * {@code --count=N} it makes N calls ({@code --concurrency=K} callers at once, virtual threads on
 * Java 21+), prints the first reply's message and then {@code N calls: OK ok, F failed}; any
 * failure prints the first one on stderr and exits with its code. Checking the name is the
 * server's job, as in the original.
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
	public void run(ApplicationArguments arguments) throws InterruptedException {
		String name = arguments.containsOption("name") ? String.join(",", arguments.getOptionValues("name")) : "";
		int count = number(arguments, "count");
		if (count == 1) {
			callOnce(new Greeter.Request(name));
		}
		else {
			callMany(new Greeter.Request(name), count, Math.min(number(arguments, "concurrency"), count));
		}
	}

	private void callOnce(Greeter.Request request) {
		try {
			Greeter.Response response = this.greeter.execute(request);
			System.out.println(response.message());
			this.exitCode = 0;
		}
		catch (RpcException ex) {
			fail(ex);
		}
	}

	/** {@code count} calls shared by {@code callers} threads, each taking the next until none is left. */
	private void callMany(Greeter.Request request, int count, int callers) throws InterruptedException {
		AtomicInteger started = new AtomicInteger();
		AtomicInteger ok = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		AtomicReference<RuntimeException> firstFailure = new AtomicReference<>();
		AtomicReference<String> firstReply = new AtomicReference<>();
		Runnable caller = () -> {
			while (started.getAndIncrement() < count) {
				try {
					String message = this.greeter.execute(request).message();
					ok.incrementAndGet();
					if (firstReply.compareAndSet(null, message)) {
						System.out.println(message);
					}
				}
				catch (RuntimeException ex) {
					failed.incrementAndGet();
					firstFailure.compareAndSet(null, ex);
				}
			}
		};
		ExecutorService threads = callerThreads(callers);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				running.add(threads.submit(caller));
			}
			for (Future<?> future : running) {
				future.get();
			}
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
		finally {
			threads.shutdownNow();
		}
		System.out.println(count + " calls: " + ok.get() + " ok, " + failed.get() + " failed");
		if (firstFailure.get() != null) {
			fail(firstFailure.get());
		}
		else {
			this.exitCode = 0;
		}
	}

	private void fail(RuntimeException ex) {
		System.err.println((ex.getMessage() != null) ? ex.getMessage() : ex.toString());
		if (this.debug) {
			ex.printStackTrace();
		}
		this.exitCode = exitCodeFor(ex);
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

	/** An option {@link CommandLine} has checked already: absent is 1. */
	private static int number(ApplicationArguments arguments, String option) {
		List<String> values = arguments.getOptionValues(option);
		return (values == null || values.isEmpty()) ? 1 : Integer.parseInt(values.get(values.size() - 1));
	}

	/** Virtual threads where the JDK has them (21+; looked up, since this is compiled for 17), else platform threads. */
	private static ExecutorService callerThreads(int callers) {
		try {
			return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
		}
		catch (ReflectiveOperationException ex) {
			return Executors.newFixedThreadPool(callers);
		}
	}

	private static int exitCodeFor(RuntimeException ex) {
		if (ex instanceof RpcConnectionException) {
			return 2;
		}
		if (ex instanceof RpcTimeoutException) {
			return 3;
		}
		return 1;
	}

}
