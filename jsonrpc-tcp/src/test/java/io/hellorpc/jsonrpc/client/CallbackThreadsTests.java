package io.hellorpc.jsonrpc.client;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CallbackThreadsTests {

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void eachCallbackRunsOnAVirtualThreadOfItsOwnOnJava21AndLater() throws Exception {
		CallbackThreads threads = CallbackThreads.create();
		assertThat(threads.isVirtual()).isTrue();
		CompletableFuture<Thread> first = new CompletableFuture<>();
		CompletableFuture<Thread> second = new CompletableFuture<>();
		threads.execute(() -> first.complete(Thread.currentThread()));
		threads.execute(() -> second.complete(Thread.currentThread()));
		Thread one = first.get();
		assertThat((boolean) Thread.class.getMethod("isVirtual").invoke(one)).isTrue();
		assertThat(one).isNotSameAs(second.get());
	}

	@Test
	void aBlockedCallbackDoesNotHoldBackTheNext() throws Exception {
		for (CallbackThreads threads : new CallbackThreads[] { CallbackThreads.create(), CallbackThreads.platform() }) {
			CompletableFuture<Void> release = new CompletableFuture<>();
			threads.execute(release::join);
			CompletableFuture<String> next = new CompletableFuture<>();
			threads.execute(() -> next.complete("ran"));
			assertThat(next).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("ran");
			release.complete(null);
			threads.shutdown();
		}
	}

	@Test
	void theFallbackPoolsThreadsAreNamedDaemons() throws Exception {
		CallbackThreads threads = CallbackThreads.platform();
		CompletableFuture<Thread> ran = new CompletableFuture<>();
		threads.execute(() -> ran.complete(Thread.currentThread()));
		assertThat(ran.get().isDaemon()).isTrue();
		assertThat(ran.get().getName()).startsWith("rpc-client-callback-");
		threads.shutdown();
	}

	@Test
	void onceShutDownItRefusesWorkSoThatTheCallCompletesElsewhere() {
		for (CallbackThreads threads : new CallbackThreads[] { CallbackThreads.create(), CallbackThreads.platform() }) {
			threads.shutdown();
			assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> threads.execute(() -> {
			}));
		}
	}

}
