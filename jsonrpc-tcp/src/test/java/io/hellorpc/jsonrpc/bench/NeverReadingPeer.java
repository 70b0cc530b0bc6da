package io.hellorpc.jsonrpc.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peer of {@code bench/never-reading-peer.sh}: CONNS connections that pipeline calls of about
 * MESSAGE_BYTES each for SECONDS and never read a reply, so the server must stop reading them
 * rather than queue replies without bound. Prints the bytes it managed to send.
 * <p>
 * Usage: {@code NeverReadingPeer HOST PORT CONNS SECONDS MESSAGE_BYTES}
 */
public final class NeverReadingPeer {

	public static void main(String[] args) throws Exception {
		String host = args[0];
		int port = Integer.parseInt(args[1]);
		int conns = Integer.parseInt(args[2]);
		long end = System.nanoTime() + Long.parseLong(args[3]) * 1_000_000_000L;
		byte[] call = ("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + "z".repeat(Integer.parseInt(args[4]) - 80)
				+ "\"}],\"id\":1}").getBytes(StandardCharsets.UTF_8);
		AtomicLong sent = new AtomicLong();
		List<Thread> threads = new ArrayList<>();
		for (int c = 0; c < conns; c++) {
			Thread thread = new Thread(() -> pipeline(host, port, call, end, sent));
			threads.add(thread);
			thread.start();
		}
		for (Thread thread : threads) {
			thread.join();
		}
		System.out.printf("sent %d MB over %d connections without reading a reply%n", sent.get() >> 20, conns);
	}

	private static void pipeline(String host, int port, byte[] call, long end, AtomicLong sent) {
		try (Socket socket = new Socket(host, port)) {
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			Thread closer = new Thread(() -> {
				// The run's length: a blocked write is ended by closing the socket when it is over.
				try {
					Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
					socket.close();
				}
				catch (InterruptedException | IOException ex) {
					// done
				}
			});
			closer.setDaemon(true);
			closer.start();
			while (System.nanoTime() < end) {
				out.write(call);
				sent.addAndGet(call.length);
			}
		}
		catch (SocketTimeoutException ex) {
			// not expected for writes
		}
		catch (IOException ex) {
			// the run ended (socket closed while blocked) or the server closed it
		}
	}

}
