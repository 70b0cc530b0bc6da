package io.hellorpc.jsonrpc.server;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The {@link RpcCallInterceptor}s around each call's binding and invocation, the first outermost. */
final class CallInterceptors {

	private final List<RpcCallInterceptor> interceptors;

	CallInterceptors(List<RpcCallInterceptor> interceptors) {
		this.interceptors = List.copyOf(interceptors);
	}

	CompletableFuture<Object> invoke(RpcServerCall call, Supplier<CompletableFuture<Object>> invocation) {
		return invoke(call, invocation, 0);
	}

	private CompletableFuture<Object> invoke(RpcServerCall call, Supplier<CompletableFuture<Object>> invocation,
			int index) {
		if (index == this.interceptors.size()) {
			return invocation.get();
		}
		try {
			return this.interceptors.get(index).intercept(call, () -> invoke(call, invocation, index + 1));
		}
		catch (InvalidParamsException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			// Thrown rather than returned as a failed future: answered alike, as a method's exception.
			return CompletableFuture.failedFuture(ex);
		}
	}

}
