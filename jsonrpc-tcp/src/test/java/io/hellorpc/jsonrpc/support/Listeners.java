package io.hellorpc.jsonrpc.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A test's own peer listening on loopback, port 0, whose accept gives up instead of hanging the run. */
public final class Listeners {

	private Listeners() {
	}

	/** Backlog 1; {@code accept()} fails after 30 s. */
	public static ServerSocket loopback() {
		try {
			ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
			listener.setSoTimeout(30_000);
			return listener;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Whether a connection to this loopback port is refused now (nothing listens there any more). */
	public static boolean refuses(int port) {
		try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
			return false;
		}
		catch (java.net.ConnectException ex) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

}
