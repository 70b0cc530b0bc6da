package io.hellorpc.jsonrpc.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLSocket;

import org.springframework.boot.ssl.SslBundle;

/** A plain TCP connection for tests: write bytes, read reply lines, see whether the server closed it. */
public final class RawConnection implements AutoCloseable {

	private final Socket socket;

	private final OutputStream out;

	private final BufferedReader in;

	public RawConnection(int port) {
		this(plain(port));
	}

	private RawConnection(Socket socket) {
		try {
			this.socket = socket;
			this.socket.setSoTimeout(10_000);
			this.socket.setTcpNoDelay(true);
			this.out = this.socket.getOutputStream();
			this.in = new BufferedReader(new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A TLS connection, handshake done, presenting and trusting what {@code bundle} holds. */
	public static RawConnection tls(int port, SslBundle bundle) {
		try {
			SSLSocket socket = (SSLSocket) bundle.createSslContext().getSocketFactory().createSocket("127.0.0.1", port);
			socket.setSoTimeout(10_000);
			socket.startHandshake();
			return new RawConnection(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Socket plain(int port) {
		try {
			return new Socket("127.0.0.1", port);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The subject of the certificate the server presented (TLS connections only). */
	public String peerSubject() {
		try {
			return ((X509Certificate) ((SSLSocket) this.socket).getSession().getPeerCertificates()[0])
				.getSubjectX500Principal().getName();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The port this end of the connection is bound to: how the server names this peer. */
	public int localPort() {
		return this.socket.getLocalPort();
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

	/** Closes with a reset (RST) instead of a FIN: the server sees the connection fail, not end. */
	public void reset() {
		try {
			this.socket.setSoLinger(true, 0);
			this.socket.close();
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
