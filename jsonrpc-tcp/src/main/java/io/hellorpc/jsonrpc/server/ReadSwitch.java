package io.hellorpc.jsonrpc.server;

import java.util.EnumSet;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;

/**
 * Whether a connection is read: it is unless some stage holds it back, each for a reason of its
 * own, so that one stage letting go does not undo another's hold. Event loop only.
 */
final class ReadSwitch {

	enum Hold {

		/** Calls wait for a slot ({@code max-calls-in-flight-per-connection}). */
		CALLS_WAITING,

		/** The server is under memory pressure and this connection holds buffered bytes. */
		MEMORY_PRESSURE,

		/** The connection reads no more: it closes once its calls are answered. */
		FINISHING

	}

	private static final AttributeKey<ReadSwitch> KEY = AttributeKey.valueOf(ReadSwitch.class, "readSwitch");

	private final Channel channel;

	private final EnumSet<Hold> holds = EnumSet.noneOf(Hold.class);

	private ReadSwitch(Channel channel) {
		this.channel = channel;
	}

	static ReadSwitch of(Channel channel) {
		ReadSwitch existing = channel.attr(KEY).get();
		if (existing == null) {
			existing = new ReadSwitch(channel);
			channel.attr(KEY).set(existing);
		}
		return existing;
	}

	/** Holds or lets go; {@code true} when this changed the hold. */
	boolean set(Hold hold, boolean held) {
		boolean changed = held ? this.holds.add(hold) : this.holds.remove(hold);
		boolean read = this.holds.isEmpty();
		if (this.channel.config().isAutoRead() != read) {
			this.channel.config().setAutoRead(read);
		}
		return changed;
	}

	boolean isHeld(Hold hold) {
		return this.holds.contains(hold);
	}

}
