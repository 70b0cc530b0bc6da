package io.hellorpc.jsonrpc.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.MalformedMessageException;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.hellorpc.jsonrpc.transport.NettySsl;
import io.hellorpc.jsonrpc.transport.NettyTransport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.internal.PlatformDependent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One connection to one server, shared by many calls, as Go's {@code rpc.Client}: each call is
 * written with its own id and settled by the reply that carries it, in whatever order replies
 * come. Callers' requests (encoded on their own threads) meet in a lock-free queue that the event
 * loop drains into few buffers and one flush, however many callers wrote meanwhile, and only
 * while the socket takes them (writability): a server that stops reading holds at most
 * {@code maxQueued} messages here and Netty's high water mark of bytes. Messages sent while it is
 * still connecting wait in the same queue, in order, until it is {@link #ready()}.
 * <p>
 * When it fails or drops, what was never written goes back to the {@link CallRouter} for another
 * server, and the router settles what was (retried or failed); an error the server sends for no
 * call (id null) is such a failure, with the server's text. A call the server refused unrun
 * ({@code rpc: call not started: …}) is sent elsewhere too, and the connection then takes no new
 * calls: the server is closing it. So does a connection whose calls keep running out of time
 * (its server went silent). Such a connection closes once its last call is settled.
 */
final class RpcClientConnection extends SimpleChannelInboundHandler<ByteBuf> {

	private static final Log logger = LogFactory.getLog(RpcClientConnection.class);

	/** What a server on probation weighs in the balancer: more than any server answering. */
	static final int PROBATION_LOAD = 1 << 20;

	/** Requests are gathered into buffers of about this size before each write. */
	private static final int WRITE_CHUNK = 64 * 1024;

	private final JsonRpcCodec codec;

	/** The server's address, as messages name it. */
	private final String address;

	private final PendingCalls calls;

	private final int maxQueued;

	private final Replica replica;

	private final CallRouter router;

	/** Calls handed to it and not settled nor moved elsewhere: the balancer's measure of its load. */
	private final AtomicInteger inFlight = new AtomicInteger();

	/** Deadline expiries in a row of calls written here, with no reply in between. */
	private final AtomicInteger timeoutsInARow = new AtomicInteger();

	/** How many messages went to the socket (event loop only): each one's place in the write order. */
	private long written;

	/** The write place of the first call the server refused unrun: every one written after it was not run either. */
	private volatile long refusedFrom = Long.MAX_VALUE;

	/** Takes no new calls (the server is closing it, or it went silent); closes once its calls are settled. */
	private volatile boolean retiring;

	/** Whether a reply came: proof that the server works, not only that it accepts connections. */
	private volatile boolean answered;

	private final Queue<Outgoing> outbound = PlatformDependent.newMpscQueue();

	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private volatile Channel channel;

	/** Connected (and through its TLS handshake): queued messages are written. */
	private volatile boolean ready;

	/** Why it could not be opened, or that it closed: nothing sent to it from then on is written. */
	private volatile RpcException failure;

	RpcClientConnection(JsonRpcCodec codec, Replica replica, PendingCalls calls, int maxQueued, CallRouter router) {
		this.codec = codec;
		this.replica = replica;
		this.address = replica.label();
		this.calls = calls;
		this.maxQueued = maxQueued;
		this.router = router;
	}

	/** Whether new calls may be handed to it: connecting or open, and neither failed, closed nor retiring. */
	boolean isAccepting() {
		return this.failure == null && !this.retiring;
	}

	boolean isReady() {
		return this.ready;
	}

	int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Load as the balancer weighs it: calls in flight; while its server is on probation (went
	 * silent), far more as soon as one call is in flight: one call at a time tries it, and the
	 * first reply ends the probation (a circuit breaker's half-open state).
	 */
	int load() {
		int inFlight = this.inFlight.get();
		return (inFlight > 0 && this.replica.onProbation()) ? PROBATION_LOAD + inFlight : inFlight;
	}

	String address() {
		return this.address;
	}

	void callBound() {
		this.inFlight.incrementAndGet();
	}

	void callLeft() {
		if (this.inFlight.decrementAndGet() == 0 && this.retiring) {
			closeChannel();
		}
	}

	/** Connected: what waits is written, and what comes is written as it comes. */
	void ready() {
		this.ready = true;
		if (this.retiring && this.inFlight.get() == 0) {
			closeChannel(); // retired while connecting (its server removed), with nothing to answer
			return;
		}
		scheduleDrain();
		this.replica.connected(this);
	}

	/**
	 * Could not be opened, or closed: nothing handed to it from now on is written. The first
	 * failure settles the calls it wrote (through the router) and tells its replica.
	 */
	void fail(RpcException failure) {
		boolean first;
		synchronized (this) {
			first = this.failure == null;
			if (first) {
				this.failure = failure;
			}
		}
		reclaim(first);
	}

	/** Takes no new calls: the server said it is closing it, or its calls keep timing out. Closes once idle. */
	void retire() {
		if (!this.retiring) {
			this.retiring = true;
			this.replica.retired(this);
			if (this.inFlight.get() == 0) {
				closeChannel();
			}
		}
	}

	boolean isRetiring() {
		return this.retiring;
	}

	boolean wasAnswered() {
		return this.answered;
	}

	/** The server refused this call unrun: so it did every call written here after it. */
	void refused(PendingCall call) {
		long sequence = call.wireSequence();
		if (sequence >= 0 && sequence < this.refusedFrom) {
			this.refusedFrom = sequence;
		}
		retire();
	}

	/** Whether the server cannot have run {@code call}, written here: it came after one it refused. */
	boolean wasNotRun(PendingCall call) {
		return call.wireSequence() > this.refusedFrom;
	}

	/** A call written here ran out of time (the deadline wheel's thread, the common pool or the overdue-call sweeper); enough in a row and the server is deemed silent. */
	void timedOut(int limit) {
		if (this.timeoutsInARow.incrementAndGet() >= limit && !this.retiring) {
			logger.warn("No reply from " + this.address + " for " + limit + " calls in a row: it takes no new calls");
			this.replica.silent();
			retire();
			this.router.retiredSilent(this);
		}
	}

	private void closeChannel() {
		Channel channel = this.channel;
		if (channel != null) {
			channel.close();
		}
	}

	/**
	 * Queues the message for writing; the event loop writes it with whatever else is queued.
	 * @throws RpcException when {@code maxQueued} messages wait already (the server is not reading)
	 */
	void send(Outgoing message) {
		if (this.queued.incrementAndGet() > this.maxQueued) {
			this.queued.decrementAndGet();
			// Messages of calls that timed out meanwhile still count: drop them, for the next call's sake.
			onEventLoop(this::dropSettled);
			throw new RpcException("RpcTemplate for " + this.address + " has " + this.maxQueued
					+ " requests waiting to be written, the limit of rpc.client.max-pending-calls: the server is not reading them");
		}
		message.boundTo(this);
		this.outbound.add(message);
		if (this.failure != null) {
			reclaim(false); // it failed meanwhile, and may not have seen this message
		}
		else if (this.ready) {
			scheduleDrain();
		}
	}

	private void scheduleDrain() {
		if (this.drainScheduled.compareAndSet(false, true)) {
			try {
				this.channel.eventLoop().execute(this::drain);
			}
			catch (RejectedExecutionException ex) {
				this.drainScheduled.set(false);
				fail(CallRouter.ioThreadsClosed(this.address));
			}
		}
	}

	/** On the event loop: queued requests into few buffers, written while the socket takes them, one flush. */
	private void drain() {
		this.drainScheduled.set(false);
		Channel channel = this.channel;
		if (!channel.isActive()) {
			fail(closed());
			return;
		}
		ByteBuf chunk = null;
		List<Outgoing> inChunk = null;
		boolean wrote = false;
		Outgoing message;
		while (channel.isWritable() && (message = this.outbound.poll()) != null) {
			this.queued.decrementAndGet();
			if (message.settled()) {
				continue; // timed out before it was written: it never reaches the wire
			}
			if (this.retiring) {
				this.router.reroute(message); // handed here just before the server said it was closing this connection
				continue;
			}
			message.onWire(this.written++);
			if (chunk == null) {
				chunk = channel.alloc().ioBuffer(Math.max(256, Math.min(WRITE_CHUNK, message.bytes().length)));
				inChunk = new ArrayList<>();
			}
			chunk.writeBytes(message.bytes());
			inChunk.add(message);
			if (chunk.readableBytes() >= WRITE_CHUNK) {
				write(channel, chunk, inChunk);
				chunk = null;
				wrote = true;
			}
		}
		if (chunk != null) {
			write(channel, chunk, inChunk);
			wrote = true;
		}
		if (wrote) {
			channel.flush();
		}
		// Whatever is left waits for channelWritabilityChanged.
	}

	/**
	 * Notifications are done once their bytes reach the socket; a failed write closes the channel
	 * instead, and channelInactive fails the calls it carried.
	 */
	private void write(Channel channel, ByteBuf chunk, List<Outgoing> carried) {
		channel.write(chunk).addListener((written) -> {
			if (written.isSuccess()) {
				carried.forEach((message) -> message.written(this.calls));
			}
			else {
				channel.close();
			}
		});
	}

	/**
	 * Hands what was never written back to the router, for another server; on the first failure
	 * also what was written, for the router to retry or fail. On the event loop, the queue's one
	 * consumer.
	 */
	private void reclaim(boolean first) {
		onEventLoop(() -> {
			List<Outgoing> unwritten = new ArrayList<>();
			Outgoing message;
			while ((message = this.outbound.poll()) != null) {
				this.queued.decrementAndGet();
				unwritten.add(message);
			}
			unwritten.forEach(this.router::reroute);
			if (first) {
				this.router.connectionLost(this, this.failure);
				this.replica.ended(this, this.failure);
			}
		});
	}

	/** On the event loop: messages whose calls all settled (timed out) leave the queue; the rest keep their order. */
	private void dropSettled() {
		List<Outgoing> waiting = new ArrayList<>();
		Outgoing message;
		while ((message = this.outbound.poll()) != null) {
			if (!message.settled()) {
				waiting.add(message);
			}
			else {
				this.queued.decrementAndGet();
			}
		}
		waiting.forEach(this.outbound::add);
	}

	/**
	 * Runs the task on this connection's event loop: the queue's only consumer (it is
	 * multi-producer, single-consumer). Never registered, or its I/O threads gone, there is no
	 * other consumer: it runs here, one caller at a time.
	 */
	private void onEventLoop(Runnable task) {
		Channel channel = this.channel;
		if (channel != null && channel.eventLoop().inEventLoop()) {
			task.run();
			return;
		}
		if (channel != null) {
			try {
				channel.eventLoop().execute(task);
				return;
			}
			catch (RejectedExecutionException ex) {
				// The I/O threads are gone: nobody else reads the queue.
			}
		}
		synchronized (this) {
			task.run();
		}
	}

	@Override
	public void channelWritabilityChanged(ChannelHandlerContext ctx) {
		if (ctx.channel().isWritable() && !this.outbound.isEmpty()) {
			drain();
		}
		ctx.fireChannelWritabilityChanged();
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		// Known before the connect future completes, so the first call can use it at once.
		this.channel = ctx.channel();
	}

	@Override
	protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
		for (RpcResponse response : this.codec.readResponses(frame)) {
			long id = callId(response.id());
			if (response.error() != null && response.error().startsWith(RpcErrors.NOT_STARTED_PREFIX)) {
				PendingCall refused = this.calls.get(id);
				if (refused != null && refused.writtenTo(this)) {
					this.router.notRun(refused, this, response.error());
				}
				continue;
			}
			PendingCall call = this.calls.take(id);
			if (call != null) {
				if (!this.answered) {
					// A reply to a call of ours (not a refusal of the connection): this server works.
					this.answered = true;
					this.replica.answered();
				}
				if (this.timeoutsInARow.get() != 0) {
					this.timeoutsInARow.set(0);
				}
				this.router.replied();
				call.settle(response);
			}
			else if (RpcId.NULL.equals(response.id()) && response.error() != null) {
				// The server's word on the connection as a whole (too large, too many connections,
				// a message it could not parse): no reply of ours is coming after it.
				fail(new RpcConnectionException("the server at " + this.address + " answered: " + response.error()));
			}
			else if (logger.isDebugEnabled()) {
				// A call that timed out, or a reply to no call of ours: nobody waits for it.
				logger.debug("Discarding a reply from " + this.address + " for id " + response.id().json());
			}
		}
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		fail(closed());
		ctx.fireChannelInactive();
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		String problem = NettySsl.errorText(NettyTransport.errorText((cause instanceof MalformedMessageException || cause.getCause() == null)
				? cause.getMessage() : cause.getCause().getMessage()));
		fail(new RpcConnectionException(
				"connection to " + this.address + " broken: " + (problem != null ? problem : cause.toString()), cause));
		ctx.close();
	}

	private RpcConnectionException closed() {
		return new RpcConnectionException("connection to " + this.address + " closed");
	}

	private static long callId(RpcId id) {
		try {
			return Long.parseUnsignedLong(id.json());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
