package io.hellorpc.jsonrpc.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The server's open connections, counted from the moment they are accepted, so that a drain also
 * waits for a connection accepted just before it and still being set up (it is told to drain as
 * soon as it is).
 */
final class Connections {

	private final ChannelGroup group = new DefaultChannelGroup("rpc-connections", GlobalEventExecutor.INSTANCE);

	/** Accepted and not yet set up. */
	private final AtomicInteger settingUp = new AtomicInteger();

	private volatile boolean draining;

	/** On the listener's event loop, as a connection is accepted. */
	void accepted() {
		this.settingUp.incrementAndGet();
	}

	/** Its pipeline is set up: it is served (and told to drain if the server already is). */
	void served(Channel connection) {
		this.group.add(connection);
		this.settingUp.decrementAndGet();
		if (this.draining) {
			connection.pipeline().fireUserEventTriggered(ConnectionCloser.DRAIN);
		}
	}

	/** Set up only to be refused. */
	void refused() {
		this.settingUp.decrementAndGet();
	}

	/** Tells every connection, and every one set up from now on, to finish what it was sent. */
	void drain() {
		this.draining = true;
		this.group.forEach((connection) -> connection.pipeline().fireUserEventTriggered(ConnectionCloser.DRAIN));
	}

	/** Waits until every connection has closed, or the time is up; {@code true} when all did. */
	boolean awaitClosed(long millis) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (!this.group.isEmpty() || this.settingUp.get() > 0) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return false;
			}
			long wait = TimeUnit.NANOSECONDS.toMillis(left) + 1;
			if (!this.group.isEmpty()) {
				// The connections there now; one set up meanwhile is waited for on the next round.
				this.group.newCloseFuture().awaitUninterruptibly(wait);
			}
			else {
				// Only connections still being set up: they join the group shortly.
				sleep(Math.min(wait, 20));
			}
		}
		return true;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void closeAll() {
		this.group.close().awaitUninterruptibly();
	}

}
