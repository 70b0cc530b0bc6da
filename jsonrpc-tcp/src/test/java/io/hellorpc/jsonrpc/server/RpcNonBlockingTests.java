package io.hellorpc.jsonrpc.server;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the default call-thread mode ({@code auto}: Boot's task executor), a {@link RpcNonBlocking} method runs on
 * the connection's event loop, an unmarked one on the executor; an interceptor that may block (by
 * default every one, Spring Security's with a user store) sends every call to the executor, since
 * it runs on the method's thread. Spring Security is on this class path: without a user store its
 * interceptor, present in every test here, never blocks.
 */
class RpcNonBlockingTests {

	private static final String IO_THREAD = "rpc-io-";

	@Configuration(proxyBeanMethods = false)
	static class Endpoints {

		@Bean
		Marked marked() {
			return new Marked();
		}

		@Bean
		WholeClass wholeClass() {
			return new WholeClass();
		}

	}

	/** One method marked, one not. */
	@RpcEndpoint
	public static class Marked {

		@RpcNonBlocking
		public String quick(String ignored) {
			return Thread.currentThread().getName();
		}

		public String plain(String ignored) {
			return Thread.currentThread().getName();
		}

	}

	/** Marked on the class: every method. */
	@RpcEndpoint
	@RpcNonBlocking
	public static class WholeClass {

		public String any(String ignored) {
			return Thread.currentThread().getName();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UnmarkedInterceptor {

		@Bean
		RpcCallInterceptor passing() {
			return (call, next) -> next.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MarkedInterceptor {

		@Bean
		RpcCallInterceptor passing() {
			return new Passing();
		}

	}

	static class Passing implements RpcCallInterceptor {

		@Override
		public CompletableFuture<Object> intercept(RpcServerCall call, Supplier<CompletableFuture<Object>> next) {
			return next.get();
		}

		@Override
		public boolean mayBlock() {
			return false;
		}

	}

	/** A user store makes Spring Security's interceptor one that may block. */
	@Configuration(proxyBeanMethods = false)
	static class UserStore {

		@Bean
		UserDetailsService users() {
			return new InMemoryUserDetailsManager();
		}

	}

	@Test
	void aMarkedMethodRunsOnTheEventLoopAndAnUnmarkedOneOnTheTaskExecutor() {
		try (RunningServer server = RunningServer.startWith(new Class<?>[] { Endpoints.class })) {
			assertThat(threadOf(server, "Marked.Quick")).startsWith(IO_THREAD);
			assertThat(threadOf(server, "WholeClass.Any")).startsWith(IO_THREAD);
			assertThat(threadOf(server, "Marked.Plain")).doesNotStartWith(IO_THREAD).startsWith("task-");
			// The Go original's Handler in the test services is not marked either.
			assertThat(threadOf(server, "Handler.Thread")).contains("task-").doesNotContain(IO_THREAD);
		}
	}

	@Test
	void aBatchMixingMarkedAndUnmarkedMethodsRunsEachWhereItsMarkSaysAndAnswersBoth() {
		try (RunningServer server = RunningServer.startWith(new Class<?>[] { Endpoints.class });
				RawConnection connection = server.connect()) {
			connection.send("[{\"jsonrpc\":\"2.0\",\"method\":\"Marked.Plain\",\"params\":[\"\"],\"id\":1},"
					+ "{\"jsonrpc\":\"2.0\",\"method\":\"Marked.Quick\",\"params\":[\"\"]},"
					+ "{\"jsonrpc\":\"2.0\",\"method\":\"Marked.Quick\",\"params\":[\"\"],\"id\":2}]");
			JsonNode replies = JsonMapper.builder().build().readTree(connection.readLine());
			Map<Integer, String> threads = new HashMap<>();
			replies.forEach((reply) -> threads.put(reply.get("id").asInt(), reply.get("result").asString()));
			// the notification in between gets no reply
			assertThat(threads).hasSize(2);
			assertThat(threads.get(1)).startsWith("task-");
			assertThat(threads.get(2)).startsWith(IO_THREAD);
		}
	}

	@Test
	void callThreadsTaskExecutorIgnoresTheMark() {
		try (RunningServer server = RunningServer.startWith(new Class<?>[] { Endpoints.class },
				"rpc.server.call-threads=task-executor")) {
			assertThat(threadOf(server, "Marked.Quick")).startsWith("task-");
			assertThat(threadOf(server, "WholeClass.Any")).startsWith("task-");
		}
	}

	@Test
	void virtualThreadsDoNotMoveAMarkedMethodOffTheEventLoop() {
		try (RunningServer server = RunningServer.startWith(new Class<?>[] { Endpoints.class },
				"spring.threads.virtual.enabled=true")) {
			assertThat(threadOf(server, "Marked.Quick")).startsWith(IO_THREAD);
			assertThat(threadOf(server, "Handler.Thread")).contains("VirtualThread");
		}
	}

	@Test
	void springSecurityWithAUserStoreSendsEvenAMarkedMethodToTheTaskExecutor() {
		try (RunningServer server = RunningServer.startWith(new Class<?>[] { Endpoints.class, UserStore.class })) {
			assertThat(threadOf(server, "Marked.Quick")).startsWith("task-");
		}
	}

	@Test
	void anInterceptorThatMayBlockSendsEvenAMarkedMethodToTheTaskExecutor() {
		try (RunningServer server = RunningServer.startWith(new Class<?>[] { Endpoints.class, UnmarkedInterceptor.class })) {
			assertThat(threadOf(server, "Marked.Quick")).startsWith("task-");
		}
	}

	@Test
	void anInterceptorThatNeverBlocksKeepsAMarkedMethodInPlace() {
		try (RunningServer server = RunningServer.startWith(new Class<?>[] { Endpoints.class, MarkedInterceptor.class })) {
			assertThat(threadOf(server, "Marked.Quick")).startsWith(IO_THREAD);
			assertThat(threadOf(server, "Marked.Plain")).startsWith("task-");
		}
	}

	/** The name of the thread a call of {@code method} ran on, from its result. */
	private static String threadOf(RunningServer server, String method) {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"" + method + "\",\"params\":[\"\"],\"id\":1}");
			String reply = connection.readLine();
			assertThat(reply).contains("\"error\":null");
			return reply.replaceAll(".*\"result\":\"([^\"]*)\".*", "$1");
		}
	}

}
