package io.hellorpc.jsonrpc.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.hellorpc.jsonrpc.protocol.JsonFrameDecoder;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.backoff.ExponentialBackOff;

/**
 * Where each message of a template goes: to one of the servers its {@link RpcAddressResolver}
 * finds ({@link Replica}s, each with its connection), picked by the {@link RpcBalancer} among
 * those connected (else among those connecting). With none to take it, a message waits here until
 * one connects, or its calls' deadlines end them with the reason each server could not be reached.
 * Addresses are resolved off the I/O threads: at first use, every {@code resolveInterval}, and
 * after a connection fails. What a failed connection never wrote comes back here for another
 * server; what it wrote is sent again only when {@link RetryPolicy} says it is safe.
 */
final class CallRouter {

	private static final Log logger = LogFactory.getLog(CallRouter.class);

	/** Threads that resolve names for every template of the process, at most. */
	static final int RESOLVER_THREADS = Math.max(4, Runtime.getRuntime().availableProcessors());

	/**
	 * Resolution may block (DNS, a registry): never on an I/O thread. A few daemon threads for the
	 * whole process, made as needed and gone when idle; resolutions beyond them wait their turn.
	 */
	private static final ExecutorService RESOLVERS = resolvers();

	/** After a connection fails, names are resolved again, but at most this often. */
	private static final long RESOLVE_AGAIN_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final String name;

	private final RpcAddressResolver resolver;

	private final Duration resolveInterval;

	private final RpcBalancer balancer;

	private final PendingCalls calls;

	private final RetryPolicy retry;

	private final Bootstrap bootstrap;

	private final EventLoopGroup eventLoops;

	private final ExponentialBackOff backOff;

	private final JsonRpcCodec codec;

	private final int maxMessageSize;

	private final int maxQueued;

	private final int maxConsecutiveTimeouts;

	/** {@code null} for plain TCP. */
	private final ClientTls tls;

	private final long handshakeTimeoutMillis;

	/** The servers now, in a snapshot the balancer reads without locking. */
	private volatile Replica[] replicas = new Replica[0];

	/** Guarded by {@code this}. */
	private final Map<InetSocketAddress, Replica> byAddress = new LinkedHashMap<>();

	/** Messages no server could take yet, in order. */
	private final Queue<Outgoing> waiting = new ConcurrentLinkedQueue<>();

	private final AtomicInteger waitingCount = new AtomicInteger();

	/** When {@link #waiting} is purged of settled messages next. */
	private volatile int purgeAt;

	/** One resolution at a time: a slow one must not land after a newer one; a request meanwhile runs after it. */
	private final AtomicBoolean resolvingNow = new AtomicBoolean();

	private volatile boolean resolveAgain;

	private final AtomicInteger turn = new AtomicInteger();

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicLong lastResolve = new AtomicLong(System.nanoTime() - RESOLVE_AGAIN_NANOS);

	/** Why the last resolution found nothing, or {@code null}. */
	private volatile String resolveFailure;

	/** Every channel opened and not yet closed, from the moment its connect starts. */
	private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

	private volatile ScheduledFuture<?> resolving;

	private volatile boolean closed;

	CallRouter(String name, RpcAddressResolver resolver, Duration resolveInterval, RpcBalancer balancer,
			int maxPendingCalls, RetryPolicy retry, Bootstrap bootstrap, EventLoopGroup eventLoops,
			ExponentialBackOff backOff, JsonRpcCodec codec, int maxMessageSize, int maxConsecutiveTimeouts, ClientTls tls,
			long handshakeTimeoutMillis) {
		this.name = name;
		this.resolver = resolver;
		this.resolveInterval = resolveInterval;
		this.balancer = balancer;
		this.calls = new PendingCalls(maxPendingCalls, name, this::expired);
		this.retry = retry;
		this.bootstrap = bootstrap;
		this.eventLoops = eventLoops;
		this.backOff = backOff;
		this.codec = codec;
		this.maxMessageSize = maxMessageSize;
		this.maxQueued = maxPendingCalls;
		this.purgeAt = maxPendingCalls;
		this.maxConsecutiveTimeouts = maxConsecutiveTimeouts;
		this.tls = tls;
		this.handshakeTimeoutMillis = handshakeTimeoutMillis;
	}

	private static ExecutorService resolvers() {
		ThreadPoolExecutor pool = new ThreadPoolExecutor(RESOLVER_THREADS, RESOLVER_THREADS, 30, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), new DefaultThreadFactory("rpc-client-resolver", true));
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	String name() {
		return this.name;
	}

	PendingCalls calls() {
		return this.calls;
	}

	RetryPolicy retry() {
		return this.retry;
	}

	boolean isClosed() {
		return this.closed;
	}

	/** A message of the template, its calls taken in: off to a server, or waiting for one. */
	void send(Outgoing message) {
		if (!this.started.get() && this.started.compareAndSet(false, true)) {
			start();
		}
		route(message);
	}

	/** A message that was never written where it went, or a call safe to send again: off to another server. */
	void reroute(Outgoing message) {
		route(message);
	}

	private void route(Outgoing message) {
		if (message.settled()) {
			return;
		}
		if (!this.waiting.isEmpty()) {
			hold(message); // behind the messages waiting already: calls go out in the order they were made
			return;
		}
		place(message);
	}

	/** To a server now, or waiting for one. */
	private void place(Outgoing message) {
		if (message.settled()) {
			return;
		}
		RpcClientConnection target = pick();
		if (target == null) {
			hold(message);
			return;
		}
		try {
			target.send(message);
		}
		catch (RpcException ex) {
			message.calls().forEach((call) -> this.calls.fail(call, ex));
		}
	}

	/**
	 * A connected server's connection, by the balancer; else a connecting one (the message waits in
	 * its queue); {@code null} if none.
	 */
	private RpcClientConnection pick() {
		Replica[] servers = this.replicas;
		int count = servers.length;
		if (count == 1) {
			RpcClientConnection ready = servers[0].ready();
			return (ready != null) ? ready : servers[0].connecting();
		}
		if (count == 0) {
			return null;
		}
		RpcClientConnection picked = (this.balancer == RpcBalancer.ROUND_ROBIN) ? nextInTurn(servers)
				: lessLoadedOfTwo(servers);
		return (picked != null && picked.load() < RpcClientConnection.PROBATION_LOAD) ? picked : leastLoaded(servers);
	}

	/** Power of two choices: two servers at random, the one with fewer calls in flight. */
	private static RpcClientConnection lessLoadedOfTwo(Replica[] servers) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int first = random.nextInt(servers.length);
		int second = random.nextInt(servers.length - 1);
		if (second >= first) {
			second++;
		}
		RpcClientConnection a = servers[first].ready();
		RpcClientConnection b = servers[second].ready();
		if (a == null || b == null) {
			return (a != null) ? a : b;
		}
		return (b.load() < a.load()) ? b : a;
	}

	private RpcClientConnection nextInTurn(Replica[] servers) {
		int start = Math.floorMod(this.turn.getAndIncrement(), servers.length);
		for (int i = 0; i < servers.length; i++) {
			RpcClientConnection ready = servers[(start + i) % servers.length].ready();
			if (ready != null && ready.load() < RpcClientConnection.PROBATION_LOAD) {
				return ready;
			}
		}
		return null;
	}

	/** The fallback when the quick pick found no connected server: a scan, connected ones first. */
	private static RpcClientConnection leastLoaded(Replica[] servers) {
		RpcClientConnection best = null;
		for (Replica server : servers) {
			RpcClientConnection ready = server.ready();
			if (ready != null && (best == null || ready.load() < best.load())) {
				best = ready;
			}
		}
		if (best != null) {
			return best;
		}
		for (Replica server : servers) {
			RpcClientConnection connecting = server.connecting();
			if (connecting != null && (best == null || connecting.load() < best.load())) {
				best = connecting;
			}
		}
		return best;
	}

	/** No server can take it now: it waits for one to connect (or for its deadline). */
	private void hold(Outgoing message) {
		if (this.closed || this.eventLoops.isShuttingDown()) {
			RpcException failure = this.closed ? closedFailure() : ioThreadsClosed(this.name);
			message.calls().forEach((call) -> this.calls.fail(call, failure));
			return;
		}
		message.calls().forEach(PendingCall::unbind);
		this.waiting.add(message);
		if (this.waitingCount.incrementAndGet() > this.purgeAt) {
			// Messages of calls that ran out of time still sit here: drop them (amortized: the bar doubles with what is left).
			this.waiting.removeIf(Outgoing::settled);
			int left = this.waiting.size();
			this.waitingCount.set(left);
			this.purgeAt = Math.max(this.maxQueued, 2 * left);
		}
		if (pick() != null) {
			serverReady(); // one connected meanwhile, and may not have seen this message
		}
	}

	/** A server connected: what waits goes out. */
	void serverReady() {
		Outgoing message;
		while (pick() != null && (message = this.waiting.poll()) != null) {
			this.waitingCount.decrementAndGet();
			place(message);
		}
	}

	/** A server's connection failed: names are resolved again soon (the server may have moved). */
	void serverFailed(Replica replica) {
		long last = this.lastResolve.get();
		long now = System.nanoTime();
		if (now - last >= RESOLVE_AGAIN_NANOS && this.lastResolve.compareAndSet(last, now)) {
			resolve();
		}
	}

	/**
	 * A connection failed: each call it wrote and not answered is sent again where that is safe
	 * (the server cannot have run it, or its method is idempotent and the budget allows), or fails.
	 */
	void connectionLost(RpcClientConnection connection, RpcException failure) {
		for (PendingCall call : this.calls.matching((call) -> call.writtenTo(connection))) {
			boolean notRun = connection.wasNotRun(call);
			if (call.batch() != null || !call.detach(connection)) {
				// Moved elsewhere or settled meanwhile; a batch's calls fail with it (it cannot be sent again in part).
				if (call.batch() != null) {
					this.calls.fail(call, new RpcConnectionException(failure.getMessage(), failure.getCause()));
				}
				continue;
			}
			boolean again = notRun ? this.retry.mayResend(call) : this.retry.mayRetryLost(call);
			if (again) {
				route(call);
			}
			else {
				this.calls.fail(call, new RpcConnectionException(failure.getMessage(), failure.getCause()));
			}
		}
	}

	/** The server refused the call without running it: it goes to another connection, and this one retires. */
	void notRun(PendingCall call, RpcClientConnection connection, String refusal) {
		connection.refused(call);
		BatchOutgoing batch = call.batch();
		if (batch != null) {
			// Sent again whole, only if none of its calls was answered: else one would run twice.
			if (batch.untouched() && this.retry.mayResend(call)) {
				route(batch);
			}
			else {
				this.calls.fail(call, new RpcConnectionException(call.method + " was not run by " + connection.address()
						+ (batch.untouched() ? " (" + call.attempts() + " attempts, the limit of rpc.client.retry.max-attempts)"
								: " (in a batch partly answered, which cannot be sent again)") + ": " + refusal));
			}
			return;
		}
		if (!call.detach(connection)) {
			return; // moved elsewhere or settled meanwhile
		}
		if (this.retry.mayResend(call)) {
			route(call);
		}
		else {
			this.calls.fail(call, new RpcConnectionException(call.method + " was not run by " + connection.address() + " ("
					+ call.attempts() + " attempts, the limit of rpc.client.retry.max-attempts): " + refusal));
		}
	}

	/** A connection went silent: its idempotent calls go elsewhere now, the others wait out their deadlines. */
	void retiredSilent(RpcClientConnection connection) {
		for (PendingCall call : this.calls.matching((call) -> call.idempotent && call.writtenTo(connection))) {
			if (this.retry.mayRetryLost(call) && call.detach(connection)) {
				route(call);
			}
		}
	}

	void replied() {
		this.retry.replied();
	}

	/** What a call that ran out of time fails with: a timeout if a server had it, else why none could take it. */
	private RpcException expired(PendingCall call) {
		RpcClientConnection connection = call.connection();
		if (connection != null && call.writtenTo(connection)) {
			connection.timedOut(this.maxConsecutiveTimeouts);
			return call.timeout();
		}
		if (connection != null && connection.isReady()) {
			return call.timeout(); // queued behind requests a server does not read
		}
		return new RpcConnectionException("cannot reach " + this.name + " within " + call.timeoutMillis() + " ms: "
				+ unreachableReasons());
	}

	private String unreachableReasons() {
		Replica[] servers = this.replicas;
		if (servers.length == 0) {
			return (this.resolveFailure != null) ? this.resolveFailure : "no address found yet";
		}
		StringJoiner reasons = new StringJoiner(", ");
		for (Replica server : servers) {
			reasons.add(server.label() + " (" + server.state() + ")");
		}
		return reasons.toString();
	}

	private void start() {
		resolve();
		long every = this.resolveInterval.toNanos();
		try {
			this.resolving = this.eventLoops.next().scheduleWithFixedDelay(this::resolve, every, every, TimeUnit.NANOSECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// The I/O threads are closed: calls fail so, as they find no server.
		}
		if (this.closed && this.resolving != null) {
			this.resolving.cancel(false);
		}
	}

	private void resolve() {
		if (this.closed) {
			return;
		}
		if (!this.resolvingNow.compareAndSet(false, true)) {
			this.resolveAgain = true;
			return;
		}
		this.lastResolve.set(System.nanoTime());
		RESOLVERS.execute(() -> {
			boolean found = false;
			try {
				List<InetSocketAddress> addresses = resolved(this.resolver.resolve());
				if (addresses.isEmpty()) {
					this.resolveFailure = "no address found for it";
				}
				else {
					this.resolveFailure = null;
					found = true;
					use(addresses);
				}
			}
			catch (Exception ex) {
				this.resolveFailure = "cannot resolve it: " + ex;
				logger.debug("Cannot resolve " + this.name, ex);
			}
			finally {
				this.resolvingNow.set(false);
			}
			if (this.resolveAgain) {
				this.resolveAgain = false;
				resolve();
			}
			else if (!found && this.replicas.length == 0) {
				resolveSoon(); // none known yet (a name not registered yet): again in a second, not at the interval
			}
		});
	}

	private void resolveSoon() {
		try {
			this.eventLoops.next().schedule(this::resolve, RESOLVE_AGAIN_NANOS, TimeUnit.NANOSECONDS);
		}
		catch (java.util.concurrent.RejectedExecutionException ex) {
			// The I/O threads are closed: calls fail so.
		}
	}

	/** Unresolved addresses (a registry's host names) are resolved here, off the I/O threads. */
	private List<InetSocketAddress> resolved(List<InetSocketAddress> addresses) {
		List<InetSocketAddress> resolved = new ArrayList<>();
		for (InetSocketAddress address : (addresses != null) ? addresses : List.<InetSocketAddress>of()) {
			InetSocketAddress usable = address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort())
					: address;
			if (!usable.isUnresolved()) {
				resolved.add(usable);
			}
		}
		return resolved;
	}

	/** The servers are now these: new ones connect, missing ones retire once their calls are answered. */
	private void use(List<InetSocketAddress> found) {
		List<Replica> added = new ArrayList<>();
		synchronized (this) {
			if (this.closed) {
				return;
			}
			Set<InetSocketAddress> wanted = new LinkedHashSet<>(found);
			for (Iterator<Map.Entry<InetSocketAddress, Replica>> known = this.byAddress.entrySet().iterator(); known.hasNext();) {
				Map.Entry<InetSocketAddress, Replica> entry = known.next();
				if (!wanted.contains(entry.getKey())) {
					logger.info(this.name + ": " + entry.getValue().label() + " no longer resolves, it takes no new calls");
					entry.getValue().remove();
					known.remove();
				}
			}
			for (InetSocketAddress address : wanted) {
				if (!this.byAddress.containsKey(address)) {
					Replica replica = new Replica(address, this, this.bootstrap.clone().group(this.eventLoops.next()), this.backOff);
					this.byAddress.put(address, replica);
					added.add(replica);
				}
			}
			if (added.isEmpty() && this.byAddress.size() == this.replicas.length) {
				return;
			}
			this.replicas = this.byAddress.values().toArray(new Replica[0]);
		}
		if (!added.isEmpty() && logger.isDebugEnabled()) {
			logger.debug(this.name + ": calling " + added.stream().map(Replica::label).toList());
		}
		added.forEach(Replica::open);
	}

	RpcClientConnection newConnection(Replica replica) {
		return new RpcClientConnection(this.codec, replica, this.calls, this.maxQueued, this);
	}

	/** In the order bytes travel: TLS (when on), framing (bounded), replies. */
	void initChannel(SocketChannel channel, InetSocketAddress address, RpcClientConnection connection) {
		if (this.tls != null) {
			channel.pipeline().addLast("tls", this.tls.newHandler(channel.alloc(), address.getHostString(), address.getPort(),
					this.handshakeTimeoutMillis));
		}
		channel.pipeline().addLast(new JsonFrameDecoder(this.maxMessageSize)).addLast(connection);
	}

	/** A channel whose connect failed: nothing to close (it may never have been registered). */
	void untrack(Channel channel) {
		this.channels.remove(channel);
	}

	/** A channel being opened: closed with the template, even while it connects. */
	void track(Channel channel) {
		this.channels.add(channel);
		if (this.closed) {
			// close() ran before this channel was known: it would not close it.
			channel.close();
		}
	}

	/** Opens nothing more and closes every connection, whether open, connecting or in its handshake. */
	void close() {
		this.closed = true;
		ScheduledFuture<?> resolving = this.resolving;
		if (resolving != null) {
			resolving.cancel(false);
		}
		this.waiting.clear();
		for (Channel channel : this.channels) {
			try {
				// One still registering is closed once registered; one of I/O threads shut down is closed already.
				if (!channel.eventLoop().isShuttingDown()) {
					channel.close();
				}
			}
			catch (IllegalStateException ex) {
				// Never given an event loop (its registration failed: no descriptor left): nothing is open.
			}
		}
	}

	static RpcConnectionException ioThreadsClosed(String address) {
		return new RpcConnectionException(
				"cannot call " + address + ": the I/O threads it was given (RpcClientResources) are closed");
	}

	RpcConnectionException closedFailure() {
		return new RpcConnectionException("RpcTemplate for " + this.name + " is closed");
	}

}
