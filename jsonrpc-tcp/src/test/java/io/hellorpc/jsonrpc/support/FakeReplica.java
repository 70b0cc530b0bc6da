package io.hellorpc.jsonrpc.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A replica that misbehaves, a raw socket on a loopback address of its own (127.0.0.5 by default)
 * speaking Go's dialect, counting the requests each of its connections received:
 * <ul>
 * <li>{@link #silent()}: reads every request and never answers, as a partitioned replica (no
 * FIN, no RST); it accepts one connection, then stops listening, so that a partition's new
 * connections fail too (refused here, where a real one would time out);</li>
 * <li>{@link #refusing(String)}: answers every request with {@code rpc: call not started: …}, as a
 * draining server does, and keeps the connection open until the client closes it.</li>
 * </ul>
 */
public final class FakeReplica implements AutoCloseable {

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\\d+)");

	private final ServerSocket listener;

	private final String refusal;

	private final boolean acceptOnce;

	private final List<Connection> connections = new CopyOnWriteArrayList<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private FakeReplica(String host, String refusal, boolean acceptOnce) {
		try {
			this.listener = new ServerSocket(0, 50, InetAddress.getByName(host));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.refusal = refusal;
		this.acceptOnce = acceptOnce;
		Thread acceptor = new Thread(this::accept, "fake-replica-" + host);
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** On 127.0.0.5: reads and never answers; one connection only. */
	public static FakeReplica silent() {
		return new FakeReplica("127.0.0.5", null, true);
	}

	/** On 127.0.0.5: answers every request with {@code "rpc: call not started: " + why}. */
	public static FakeReplica refusing(String why) {
		return new FakeReplica("127.0.0.5", "rpc: call not started: " + why, false);
	}

	public InetSocketAddress address() {
		return new InetSocketAddress(this.listener.getInetAddress().getHostAddress(), this.listener.getLocalPort());
	}

	/** The connections accepted so far, in order. */
	public List<Connection> connections() {
		return List.copyOf(this.connections);
	}

	/** Requests received over every connection. */
	public int requests() {
		return this.connections.stream().mapToInt(Connection::requests).sum();
	}

	private void accept() {
		try {
			do {
				Socket socket = this.listener.accept();
				Connection connection = new Connection(socket);
				this.connections.add(connection);
				Thread reader = new Thread(connection::read, "fake-replica-connection");
				reader.setDaemon(true);
				reader.start();
			}
			while (!this.acceptOnce);
			this.listener.close();
		}
		catch (IOException ex) {
			// Closed.
		}
	}

	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			try {
				this.listener.close();
				for (Connection connection : this.connections) {
					connection.socket.close();
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
	}

	/** One accepted connection: the requests it received, and whether its peer closed it. */
	public final class Connection {

		private final Socket socket;

		private final AtomicInteger requests = new AtomicInteger();

		private final AtomicBoolean closedByPeer = new AtomicBoolean();

		Connection(Socket socket) {
			this.socket = socket;
		}

		public int requests() {
			return this.requests.get();
		}

		/** Whether the client closed (or reset) this connection. */
		public boolean closedByPeer() {
			return this.closedByPeer.get();
		}

		private void read() {
			try (BufferedReader in = new BufferedReader(new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8))) {
				OutputStream out = this.socket.getOutputStream();
				String line;
				while ((line = in.readLine()) != null) {
					if (line.isBlank()) {
						continue;
					}
					this.requests.incrementAndGet();
					if (FakeReplica.this.refusal != null) {
						Matcher id = ID.matcher(line);
						String reply = "{\"id\":" + (id.find() ? id.group(1) : "null") + ",\"result\":null,\"error\":\""
								+ FakeReplica.this.refusal + "\"}\n";
						out.write(reply.getBytes(StandardCharsets.UTF_8));
						out.flush();
					}
				}
				this.closedByPeer.set(true);
			}
			catch (IOException ex) {
				if (!FakeReplica.this.closed.get()) {
					this.closedByPeer.set(true);
				}
			}
		}

	}

}
