package io.hellorpc.jsonrpc.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A plain TCP connection for tests: write bytes, read reply lines, see whether the server closed it. */
public final class RawConnection implements AutoCloseable {

	private final Socket socket;

	private final OutputStream out;

	private final BufferedReader in;

	public RawConnection(int port) {
		try {
			this.socket = new Socket("127.0.0.1", port);
			this.socket.setSoTimeout(10_000);
			this.socket.setTcpNoDelay(true);
			this.out = this.socket.getOutputStream();
			this.in = new BufferedReader(new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public RawConnection send(String text) {
		return send(text.getBytes(StandardCharsets.UTF_8));
	}

	public RawConnection send(byte[] bytes) {
		try {
			this.out.write(bytes);
			this.out.flush();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The next reply line, without its newline; {@code null} if the server closed the connection. */
	public String readLine() {
		try {
			return this.in.readLine();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Whether the server closes the connection (end of stream or reset) within the read timeout. */
	public boolean isClosedByServer() {
		try {
			return this.in.read() == -1;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (IOException ex) {
			return true;
		}
	}

	/** Half-closes: the server sees the end of input, as when {@code nc} reaches end of file. */
	public void shutdownOutput() {
		try {
			this.socket.shutdownOutput();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
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
