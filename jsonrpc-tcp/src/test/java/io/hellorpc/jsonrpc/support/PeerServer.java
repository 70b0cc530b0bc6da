package io.hellorpc.jsonrpc.support;

import java.util.concurrent.TimeUnit;

/** A peer's server process (Go's, jayson's) listening on a loopback port; closing it kills it. */
public record PeerServer(Process process, int port) implements AutoCloseable {

	@Override
	public void close() {
		this.process.destroy();
		try {
			this.process.waitFor(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process.destroyForcibly();
	}

}
