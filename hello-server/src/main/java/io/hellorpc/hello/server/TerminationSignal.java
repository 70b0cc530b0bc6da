package io.hellorpc.hello.server;

import sun.misc.Signal;

/**
 * SIGTERM is how containers and service managers ask a server to stop. The JVM's default answer
 * runs the shutdown hooks (Boot's closes the context, which drains the RPC listener) but then
 * exits with status 143, which reads as a failure. Answering SIGTERM with {@code System.exit(0)}
 * runs the same hooks and reports the clean stop it is.
 */
final class TerminationSignal {

	private TerminationSignal() {
	}

	/** Call first thing in {@code main}, so that a SIGTERM during start-up is answered the same way. */
	static void exitZeroOnSigterm() {
		Signal.handle(new Signal("TERM"), (signal) -> System.exit(0));
	}

}
