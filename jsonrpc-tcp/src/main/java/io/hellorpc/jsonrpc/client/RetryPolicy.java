package io.hellorpc.jsonrpc.client;

import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which calls are sent again, and whether the template may afford it now. A call the server never
 * ran (refused it unread, or never got it) may always go again, up to {@code maxAttempts}; one
 * whose connection died after it was written only if its method is idempotent and the retry
 * budget allows: gRPC's retry throttling, a bucket of tokens that every such loss drains by one
 * and every reply refills by {@code tokenRatio}, retries stopping while half of it or less is
 * left, so that an outage never multiplies the load.
 */
final class RetryPolicy {

	/** Tokens are counted in thousandths, as gRPC does, in one atomic. */
	private static final long SCALE = 1000;

	private final Set<String> idempotentMethods;

	private final int maxAttempts;

	private final long maxTokens;

	private final long tokenRatio;

	private final AtomicLong tokens;

	RetryPolicy(Set<String> idempotentMethods, int maxAttempts, int maxTokens, double tokenRatio) {
		this.idempotentMethods = idempotentMethods;
		this.maxAttempts = maxAttempts;
		this.maxTokens = maxTokens * SCALE;
		this.tokenRatio = Math.max(1, Math.round(tokenRatio * SCALE));
		this.tokens = new AtomicLong(this.maxTokens);
	}

	boolean idempotent(String method) {
		return this.idempotentMethods.contains(method);
	}

	/** A call the server did not run: sent again while it has attempts left. */
	boolean mayResend(PendingCall call) {
		return call.resendable() && call.attempts() < this.maxAttempts;
	}

	/**
	 * A call lost with its connection after being written: its token is taken first, then the
	 * bucket says whether it may go again (gRPC A6's order).
	 */
	boolean mayRetryLost(PendingCall call) {
		long left = this.tokens.accumulateAndGet(-SCALE, (now, change) -> Math.max(0, now + change));
		return left > this.maxTokens / 2 && call.idempotent && mayResend(call);
	}

	/** A reply came: the bucket fills up a little. */
	void replied() {
		if (this.tokens.get() < this.maxTokens) {
			this.tokens.accumulateAndGet(this.tokenRatio, (now, change) -> Math.min(this.maxTokens, now + change));
		}
	}

	int maxAttempts() {
		return this.maxAttempts;
	}

}
