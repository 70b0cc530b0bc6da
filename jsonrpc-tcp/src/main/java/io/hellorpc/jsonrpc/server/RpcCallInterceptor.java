package io.hellorpc.jsonrpc.server;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Runs around each call of a method the server has, on the thread that runs the call (the call
 * executor's, or the connection's event loop with {@code rpc.server.call-threads=event-loop}, and
 * for a {@link RpcNonBlocking} method when no interceptor {@linkplain #mayBlock() may block}):
 * from before its params are bound until its method has returned; a future the method returns
 * may complete later, on another thread. Every bean of this type is applied, in order, the first
 * outermost ({@code @Order} or {@code Ordered}). The Spring Security integration is one, ordered
 * {@code Ordered.HIGHEST_PRECEDENCE + 100}: it refuses calls its rules refuse, sets the call's
 * {@code SecurityContext} and clears it when {@code next} has returned, so interceptors not
 * ordered before it run inside it, with the caller's context. An exception {@code intercept}
 * throws is answered as one its future failed with.
 */
@FunctionalInterface
public interface RpcCallInterceptor {

	/**
	 * @param call the call: its request, its method and the connection it came on
	 * @param next binds the params and invokes the method (through the interceptors after this
	 * one); its future completes with the method's result or with what it threw
	 * @return {@code next}'s future, or another; a failed one answers the call with its exception
	 * as a method's exception is answered (so a {@link RpcApplicationException} gives code and
	 * text), and returning one without calling {@code next} refuses the call unrun
	 */
	CompletableFuture<Object> intercept(RpcServerCall call, Supplier<CompletableFuture<Object>> next);

	/**
	 * Whether {@code intercept} may block the thread it runs on (a user store, a remote check).
	 * Calls of {@link RpcNonBlocking} methods run on the event loop only when no interceptor may.
	 * @return {@code true} unless it never blocks
	 */
	default boolean mayBlock() {
		return true;
	}

}
