package io.hellorpc.jsonrpc.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that refuses connections and that nobody else can take while the test holds it:
 * a socket bound to port 0 that never listens. (A port found free and closed again may be taken by
 * another process before the test uses it.)
 */
public final class RefusingPort implements AutoCloseable {

	private final Socket socket = new Socket();

	public RefusingPort() {
		try {
			this.socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.socket.getLocalPort();
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
