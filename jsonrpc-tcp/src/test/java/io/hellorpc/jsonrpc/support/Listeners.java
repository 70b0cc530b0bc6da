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

}
