package io.hellorpc.jsonrpc.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * What the listener is doing right now and what it turned away, kept as the numbers the server
 * needs (open connections, calls in flight) and published as meters.
 */
public final class RpcServerActivity {

	/** Why a message was refused before it reached a method. */
	public enum RejectReason {

		MALFORMED, TOO_LARGE;

		String tagValue() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	/** How a TLS handshake ended. */
	public enum TlsOutcome {

		/** The session is up. */
		SUCCESS,

		/** The peer spoke plain text to the TLS port. */
		PLAINTEXT,

		/** The handshake did not finish within {@code rpc.server.ssl.handshake-timeout}. */
		TIMEOUT,

		/** Any other failure: an untrusted, expired or missing certificate, no common protocol or cipher. */
		FAILED;

		String tagValue() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

	}

	private static final Tags TAGS = Tags.of("rpc.system", "jsonrpc");

	private final AtomicInteger openConnections = new AtomicInteger();

	private final AtomicInteger callsInFlight = new AtomicInteger();

	private final Counter accepted;

	private final Counter refused;

	private final Counter idleClosed;

	/** Kept here, not only in meters: a registry without backends counts nothing, and tests read them. */
	private final AtomicLong internalErrors = new AtomicLong();

	private final AtomicLong readingPaused = new AtomicLong();

	private final Counter notifications;

	private final AtomicLong[] tlsHandshakes = new AtomicLong[TlsOutcome.values().length];

	private final AtomicLong tlsReloads = new AtomicLong();

	private final Counter[] rejectedMessages = new Counter[RejectReason.values().length];

	private final AtomicLong bufferedBytes = new AtomicLong();

	private volatile long memoryBudget;

	private final AtomicLong connectionsShed = new AtomicLong();

	private final AtomicLong connectionsAged = new AtomicLong();

	/** When the current memory pressure began ({@link System#nanoTime()}), 0 when there is none. */
	private volatile long pressureSince;

	private final AtomicLong pressureNanos = new AtomicLong();

	public RpcServerActivity(MeterRegistry registry) {
		Gauge.builder("rpc.server.connections", this.openConnections, AtomicInteger::get)
			.description("Connections open now")
			.tags(TAGS)
			.register(registry);
		Gauge.builder("rpc.server.calls.active", this.callsInFlight, AtomicInteger::get)
			.description("Calls being run or waiting for a handler thread now")
			.tags(TAGS)
			.register(registry);
		this.accepted = counter(registry, "rpc.server.connections.accepted", "Connections accepted", TAGS);
		this.refused = counter(registry, "rpc.server.connections.rejected",
				"Connections closed at once because rpc.server.max-connections were open", TAGS);
		this.idleClosed = counter(registry, "rpc.server.connections.idle.closed",
				"Connections closed after rpc.server.idle-timeout without traffic", TAGS);
		FunctionCounter.builder("rpc.server.internal.errors", this.internalErrors, AtomicLong::get)
			.description("Failures of the server's own code (each one a bug): the call or connection got a generic error")
			.tags(TAGS)
			.register(registry);
		FunctionCounter.builder("rpc.server.connections.reading.paused", this.readingPaused, AtomicLong::get)
			.description("Times a connection was not read because the server was under memory pressure and it held buffered bytes")
			.tags(TAGS)
			.register(registry);
		this.notifications = counter(registry, "rpc.server.notifications",
				"JSON-RPC 2.0 notifications run (calls without an id, never answered)", TAGS);
		for (TlsOutcome outcome : TlsOutcome.values()) {
			this.tlsHandshakes[outcome.ordinal()] = new AtomicLong();
			FunctionCounter.builder("rpc.server.tls.handshakes", this.tlsHandshakes[outcome.ordinal()], AtomicLong::get)
				.description("TLS handshakes on the listener, by outcome (a plaintext peer on the TLS port is 'plaintext')")
				.tags(TAGS.and("outcome", outcome.tagValue()))
				.register(registry);
		}
		FunctionCounter.builder("rpc.server.tls.reloads", this.tlsReloads, AtomicLong::get)
			.description("Times the listener's SSL bundle was reloaded and taken up for new connections")
			.tags(TAGS)
			.register(registry);
		for (RejectReason reason : RejectReason.values()) {
			this.rejectedMessages[reason.ordinal()] = counter(registry, "rpc.server.messages.rejected",
					"Messages refused before dispatch, by reason", TAGS.and("reason", reason.tagValue()));
		}

		Gauge.builder("rpc.server.memory.buffered", this.bufferedBytes, AtomicLong::get)
			.description("Bytes buffered now over all connections: incomplete messages and replies not yet taken")
			.baseUnit("bytes")
			.tags(TAGS)
			.register(registry);
		Gauge.builder("rpc.server.memory.budget", this, (activity) -> activity.memoryBudget)
			.description("What the server may buffer (rpc.server.memory.budget)")
			.baseUnit("bytes")
			.tags(TAGS)
			.register(registry);
		FunctionCounter.builder("rpc.server.memory.pressure", this, (activity) -> activity.memoryPressureSeconds())
			.description("Time spent under memory pressure: not accepting, and not reading connections that hold bytes")
			.baseUnit("seconds")
			.tags(TAGS)
			.register(registry);
		FunctionCounter.builder("rpc.server.connections.shed", this.connectionsShed, AtomicLong::get)
			.description("Connections closed because the server was over rpc.server.memory.budget and they held the most bytes")
			.tags(TAGS)
			.register(registry);
		FunctionCounter.builder("rpc.server.connections.aged", this.connectionsAged, AtomicLong::get)
			.description("Connections that reached rpc.server.max-connection-age and went away: new calls refused, then half-closed")
			.tags(TAGS)
			.register(registry);
	}

	private static Counter counter(MeterRegistry registry, String name, String description, Tags tags) {
		return Counter.builder(name).description(description).tags(tags).register(registry);
	}

	/** Counts a new connection; {@code false} when it is one too many and must be refused. */
	boolean connectionOpened(int maxConnections) {
		if (this.openConnections.incrementAndGet() > maxConnections) {
			this.refused.increment();
			return false;
		}
		this.accepted.increment();
		return true;
	}

	void connectionClosed() {
		this.openConnections.decrementAndGet();
	}

	void connectionIdleClosed() {
		this.idleClosed.increment();
	}

	void callsStarted(int calls) {
		this.callsInFlight.addAndGet(calls);
	}

	void callsFinished(int calls) {
		this.callsInFlight.addAndGet(-calls);
	}

	void messageRejected(RejectReason reason) {
		this.rejectedMessages[reason.ordinal()].increment();
	}

	void notificationRun() {
		this.notifications.increment();
	}

	void internalError() {
		this.internalErrors.incrementAndGet();
	}

	void pausedReading() {
		this.readingPaused.incrementAndGet();
	}

	/** Adds to the bytes buffered; returns the new total. */
	long buffered(long delta) {
		return this.bufferedBytes.addAndGet(delta);
	}

	void memoryBudget(long bytes) {
		this.memoryBudget = bytes;
	}

	void memoryPressure(boolean under) {
		if (under) {
			this.pressureSince = System.nanoTime();
		}
		else if (this.pressureSince != 0) {
			this.pressureNanos.addAndGet(System.nanoTime() - this.pressureSince);
			this.pressureSince = 0;
		}
	}

	void connectionShed() {
		this.connectionsShed.incrementAndGet();
	}

	void connectionAged() {
		this.connectionsAged.incrementAndGet();
	}

	/** Connections so far that reached {@code rpc.server.max-connection-age}. */
	public long connectionsAged() {
		return this.connectionsAged.get();
	}

	/** Bytes buffered now over all connections: incomplete messages and replies not yet taken. */
	public long bufferedBytes() {
		return this.bufferedBytes.get();
	}

	/** What the server may buffer ({@code rpc.server.memory.budget}). */
	public long memoryBudget() {
		return this.memoryBudget;
	}

	/** Whether the server is under memory pressure now: not accepting, not reading connections that hold bytes. */
	public boolean underMemoryPressure() {
		return this.pressureSince != 0;
	}

	/** Connections closed so far to bring the server back under its memory budget. */
	public long connectionsShed() {
		return this.connectionsShed.get();
	}

	private double memoryPressureSeconds() {
		long since = this.pressureSince;
		long total = this.pressureNanos.get() + ((since != 0) ? System.nanoTime() - since : 0);
		return total / 1e9;
	}

	void tlsHandshake(TlsOutcome outcome) {
		this.tlsHandshakes[outcome.ordinal()].incrementAndGet();
	}

	void tlsReloaded() {
		this.tlsReloads.incrementAndGet();
	}

	/** TLS handshakes so far that ended this way. */
	public long tlsHandshakes(TlsOutcome outcome) {
		return this.tlsHandshakes[outcome.ordinal()].get();
	}

	/** Times the SSL bundle was reloaded and taken up. */
	public long tlsReloads() {
		return this.tlsReloads.get();
	}

	/** Failures of the server's own code so far: each one is a bug (the fuzz tests require none). */
	public long internalErrors() {
		return this.internalErrors.get();
	}

	/** Times a connection was not read because the server was under memory pressure and it held bytes. */
	public long readingPaused() {
		return this.readingPaused.get();
	}

	public int openConnections() {
		return this.openConnections.get();
	}

	public int callsInFlight() {
		return this.callsInFlight.get();
	}

}
