package io.hellorpc.jsonrpc.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.MalformedMessageException;
import io.hellorpc.jsonrpc.protocol.RpcId;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.internal.PlatformDependent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One open connection shared by many calls, as Go's {@code rpc.Client}: each call is written with
 * its own id and settled by the reply that carries it, in whatever order replies come. Callers'
 * requests (encoded on their own threads) meet in a lock-free queue that the event loop drains
 * into few buffers and one flush, however many callers wrote meanwhile, and only while the socket
 * takes them (writability): a server that stops reading holds at most {@code maxQueued} messages
 * here and Netty's high water mark of bytes. Messages sent while it is still connecting wait in
 * the same queue, in order, until it is {@link #ready()}. When the connection fails or drops,
 * every call handed to it fails at once; an error the server sends for no call (id null) fails
 * them with its text.
 */
final class RpcClientConnection extends SimpleChannelInboundHandler<ByteBuf> {

	private static final Log logger = LogFactory.getLog(RpcClientConnection.class);

	/** Requests are gathered into buffers of about this size before each write. */
	private static final int WRITE_CHUNK = 64 * 1024;

	private final JsonRpcCodec codec;

	private final String address;

	private final PendingCalls calls;

	private final int maxQueued;

	private final Queue<Outgoing> outbound = PlatformDependent.newMpscQueue();

	private final AtomicInteger queued = new AtomicInteger();

	private final AtomicBoolean drainScheduled = new AtomicBoolean();

	private volatile Channel channel;

	/** Connected (and through its TLS handshake): queued messages are written. */
	private volatile boolean ready;

	/** Why it could not be opened, or that it closed: nothing sent to it from then on is written. */
	private volatile RpcException failure;

	RpcClientConnection(JsonRpcCodec codec, String address, PendingCalls calls, int maxQueued) {
		this.codec = codec;
		this.address = address;
		this.calls = calls;
		this.maxQueued = maxQueued;
	}

	/** Whether calls can still be handed to it: connecting or open, not failed nor closed. */
	boolean isUsable() {
		return this.failure == null;
	}

	/** Connected: what waits is written, and what comes is written as it comes. */
	void ready() {
		this.ready = true;
		scheduleDrain();
	}

	/** Could not be opened or closed: every call handed to it fails so, and so will any handed to it later. */
	void fail(RpcException failure) {
		if (this.failure == null) {
			this.failure = failure;
		}
		discardQueued();
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
			discardQueued(); // it failed meanwhile, and may not have seen this message
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
				fail(RpcConnector.ioThreadsClosed(this.address));
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

	/** Fails every call handed to it; the queue itself is emptied on the event loop, its one consumer. */
	private void discardQueued() {
		onEventLoop(() -> {
			while (this.outbound.poll() != null) {
				this.queued.decrementAndGet();
			}
		});
		RpcException failure = this.failure;
		this.calls.failAll((call) -> call.connection == this, (call) -> copy(failure));
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

	/** Runs the task on this connection's event loop: the queue's only consumer (it is multi-producer, single-consumer). */
	private void onEventLoop(Runnable task) {
		Channel channel = this.channel;
		if (channel == null) {
			return; // never registered: nothing was written, and the queue goes with this connection
		}
		if (channel.eventLoop().inEventLoop()) {
			task.run();
		}
		else {
			try {
				channel.eventLoop().execute(task);
			}
			catch (RejectedExecutionException ex) {
				// The I/O threads are gone: the queue goes with this connection.
			}
		}
	}

	/** A failure of its own for each call: each is thrown on its caller's thread, with that stack. */
	private static RpcException copy(RpcException failure) {
		return new RpcConnectionException(failure.getMessage(), failure.getCause());
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
			PendingCall call = this.calls.take(callId(response.id()));
			if (call != null) {
				call.settle(response);
			}
			else if (RpcId.NULL.equals(response.id()) && response.error() != null) {
				// The server's word on the connection as a whole (too large, too many connections,
				// a message it could not parse): no reply of ours is coming after it.
				this.calls.failAll((pending) -> pending.connection == this, (pending) -> new RpcConnectionException(
						"the server at " + this.address + " answered: " + response.error()));
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
		String problem = (cause instanceof MalformedMessageException || cause.getCause() == null) ? cause.getMessage()
				: cause.getCause().getMessage();
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
