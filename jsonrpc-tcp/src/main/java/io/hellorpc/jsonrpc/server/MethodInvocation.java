package io.hellorpc.jsonrpc.server;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Runs the method on this thread. Its result, or what it threw (any {@link Throwable}, unwrapped),
 * completes the future: at once, or when a returned {@link CompletionStage} completes, no thread
 * held in between.
 */
final class MethodInvocation {

	CompletableFuture<Object> invoke(RpcMethod method, Object[] arguments) {
		Object result;
		try {
			result = method.invoke(arguments);
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (result instanceof CompletionStage<?> stage) {
			CompletableFuture<Object> unwrapped = new CompletableFuture<>();
			stage.whenComplete((value, failure) -> {
				if (failure == null) {
					unwrapped.complete(value);
				}
				else {
					unwrapped.completeExceptionally(unwrap(failure));
				}
			});
			return unwrapped;
		}
		return CompletableFuture.completedFuture(result);
	}

	/** The method's own failure, out of the wrapper a future puts around it. */
	private static Throwable unwrap(Throwable failure) {
		return ((failure instanceof CompletionException || failure instanceof ExecutionException)
				&& failure.getCause() != null) ? failure.getCause() : failure;
	}

}
