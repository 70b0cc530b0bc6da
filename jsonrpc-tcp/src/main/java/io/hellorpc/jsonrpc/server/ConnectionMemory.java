package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.server.ReadSwitch.Hold;
import io.netty.channel.Channel;

/**
 * The bytes one connection holds: its incomplete message and its replies not yet taken, kept in
 * the server's {@link MemoryBudget}. While the server is under memory pressure a connection that
 * holds any is not read. Changed on the connection's event loop only; read from anywhere.
 */
final class ConnectionMemory {

	private final Channel channel;

	private final MemoryBudget budget;

	private final RpcServerActivity activity;

	private volatile long inbound;

	private volatile long outbound;

	private boolean closed;

	ConnectionMemory(Channel channel, MemoryBudget budget, RpcServerActivity activity) {
		this.channel = channel;
		this.budget = budget;
		this.activity = activity;
	}

	long held() {
		return this.inbound + this.outbound;
	}

	/** Whether part of a message has arrived and the rest has not. */
	boolean receiving() {
		return this.inbound > 0;
	}

	/** The framing's buffer for the incomplete message is now this large. */
	void inbound(int bytes) {
		if (this.closed) {
			return;
		}
		long delta = bytes - this.inbound;
		this.inbound = bytes;
		changed(delta);
	}

	void replyWritten(int bytes) {
		if (!this.closed) {
			this.outbound += bytes;
			changed(bytes);
		}
	}

	void replyTaken(int bytes) {
		if (!this.closed) {
			this.outbound -= bytes;
			changed(-bytes);
		}
	}

	void closed() {
		if (!this.closed) {
			this.closed = true;
			long held = held();
			this.inbound = 0;
			this.outbound = 0;
			this.budget.release(this, held);
		}
	}

	private void changed(long delta) {
		if (delta != 0) {
			this.budget.change(delta);
		}
		updateReading();
	}

	/** Under pressure, a connection holding bytes waits; the budget calls this when pressure ends, too. */
	void updateReading() {
		boolean hold = this.budget.underPressure() && held() > 0 && !this.closed;
		if (ReadSwitch.of(this.channel).set(Hold.MEMORY_PRESSURE, hold) && hold) {
			this.activity.pausedReading();
		}
	}

	/** Closed to bring the server back under its budget, after an error line saying why. */
	void shed(JsonRpcCodec codec, long budgetBytes) {
		if (this.closed || !this.channel.isActive()) {
			return;
		}
		this.activity.connectionShed();
		this.channel.writeAndFlush(codec.writeResponse(this.channel.alloc(), RpcId.NULL, null,
				RpcErrors.shed(budgetBytes, held())));
		this.channel.close();
	}

	Channel channel() {
		return this.channel;
	}

}
