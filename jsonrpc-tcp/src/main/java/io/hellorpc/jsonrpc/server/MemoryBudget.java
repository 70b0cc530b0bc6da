package io.hellorpc.jsonrpc.server;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.netty.channel.Channel;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * What the whole server may buffer, on the model of Envoy's overload manager. At the pressure
 * threshold the server stops accepting and stops reading the connections that hold bytes (the
 * others are served on); past the budget it closes the connections that hold the most until it
 * is back under the budget. Pressure ends by itself below nine tenths of the threshold. The
 * decisions are taken off the event loops, on {@code control}, one at a time.
 */
final class MemoryBudget {

	private static final Log logger = LogFactory.getLog(MemoryBudget.class);

	private final long budget;

	private final long pressureAt;

	private final long relievedBelow;

	private final RpcServerActivity activity;

	private final JsonRpcCodec codec;

	private final Executor control;

	/** Told {@code true} when pressure starts and {@code false} when it ends, in that order, on {@code control}. */
	private final Consumer<Boolean> pressureListener;

	private final Set<ConnectionMemory> connections = ConcurrentHashMap.newKeySet();

	private final Set<ConnectionMemory> beingShed = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean underPressure = new AtomicBoolean();

	private final AtomicBoolean shedScheduled = new AtomicBoolean();

	/** The pressure as last acted upon; on {@code control} only. */
	private boolean reported;

	MemoryBudget(long budget, double pressureThreshold, RpcServerActivity activity, JsonRpcCodec codec,
			Executor control, Consumer<Boolean> pressureListener) {
		this.budget = budget;
		this.pressureAt = (long) (budget * pressureThreshold);
		this.relievedBelow = this.pressureAt / 10 * 9;
		this.activity = activity;
		this.codec = codec;
		this.control = control;
		this.pressureListener = pressureListener;
		activity.memoryBudget(budget);
	}

	ConnectionMemory register(Channel channel) {
		ConnectionMemory memory = new ConnectionMemory(channel, this, this.activity);
		this.connections.add(memory);
		return memory;
	}

	boolean underPressure() {
		return this.underPressure.get();
	}

	void release(ConnectionMemory memory, long held) {
		this.connections.remove(memory);
		this.beingShed.remove(memory);
		change(-held);
	}

	void change(long delta) {
		long buffered = this.activity.buffered(delta);
		if ((buffered >= this.pressureAt && this.underPressure.compareAndSet(false, true))
				|| (buffered < this.relievedBelow && this.underPressure.compareAndSet(true, false))) {
			this.control.execute(this::reconcile);
		}
		if (buffered > this.budget && this.shedScheduled.compareAndSet(false, true)) {
			this.control.execute(this::shed);
		}
	}

	/**
	 * Acts on the pressure as it is when this runs, not as it was when it was queued: two event
	 * loops may queue a start and an end in either order.
	 */
	private void reconcile() {
		boolean under = this.underPressure.get();
		if (under != this.reported) {
			this.reported = under;
			if (under) {
				pressureStarted();
			}
			else {
				pressureEnded();
			}
		}
	}

	private void pressureStarted() {
		logger.warn("JSON-RPC server under memory pressure: " + this.activity.bufferedBytes() + " bytes buffered of "
				+ this.budget + " (rpc.server.memory.budget); not accepting connections, and not reading those that hold bytes");
		this.activity.memoryPressure(true);
		this.pressureListener.accept(true);
	}

	private void pressureEnded() {
		logger.info("JSON-RPC server memory pressure is over: " + this.activity.bufferedBytes() + " bytes buffered");
		this.activity.memoryPressure(false);
		for (ConnectionMemory memory : this.connections) {
			memory.channel().eventLoop().execute(memory::updateReading);
		}
		this.pressureListener.accept(false);
	}

	/**
	 * Closes the heaviest connections until what they held brings the server back under its budget
	 * (pressure, which goes on, keeps it from growing again).
	 */
	private void shed() {
		this.shedScheduled.set(false);
		long excess = this.activity.bufferedBytes() - this.budget;
		for (ConnectionMemory doomed : this.beingShed) {
			excess -= doomed.held();
		}
		if (excess <= 0) {
			return;
		}
		List<ConnectionMemory> heaviest = new ArrayList<>(this.connections);
		heaviest.removeAll(this.beingShed);
		heaviest.sort(Comparator.comparingLong(ConnectionMemory::held).reversed());
		for (ConnectionMemory memory : heaviest) {
			long held = memory.held();
			if (excess <= 0 || held == 0) {
				break;
			}
			excess -= held;
			this.beingShed.add(memory);
			memory.channel().eventLoop().execute(() -> memory.shed(this.codec, this.budget));
		}
	}

}
