package io.hellorpc.jsonrpc.server.advice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

import io.hellorpc.jsonrpc.protocol.RpcError;
import org.junit.jupiter.api.Test;

import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** The start-up rules of {@code @RpcExceptionHandler} methods, and the order advice beans are asked in. */
class RpcExceptionHandlersTests {

	@Test
	void adviceBeansAreAskedInTheirOrder() {
		Map<String, Object> beans = new LinkedHashMap<>();
		beans.put("late", new Late());
		beans.put("early", new Early());
		assertThat(RpcExceptionHandlers.of(beans).adviceBeanNames()).containsExactly("early", "late");
	}

	@Test
	void aHandlerWithoutAnExceptionTypeFailsTheStartNamingBeanAndMethod() {
		assertThatIllegalStateException().isThrownBy(() -> RpcExceptionHandlers.of(Map.of("untyped", new Untyped())))
			.withMessage("@RpcAdvice bean 'untyped' has @RpcExceptionHandler handle(), which maps no exception type: "
					+ "name it, @RpcExceptionHandler(SomeException.class), or take the exception as a parameter");
	}

	@Test
	void twoHandlersOfOneAdviceForOneTypeFailTheStart() {
		assertThatIllegalStateException().isThrownBy(() -> RpcExceptionHandlers.of(Map.of("twice", new Twice())))
			.withMessage("@RpcAdvice bean 'twice' maps java.util.NoSuchElementException twice, by a(NoSuchElementException) "
					+ "and b(): keep one of them");
	}

	@Test
	void aHandlerReturningAnythingButAnErrorOrATextFailsTheStart() {
		assertThatIllegalStateException().isThrownBy(() -> RpcExceptionHandlers.of(Map.of("wrong", new WrongResult())))
			.withMessage("@RpcAdvice bean 'wrong' has @RpcExceptionHandler handle(IOException), which returns Integer: "
					+ "a handler returns an RpcError (code, message, data) or a String (the message)");
	}

	@Test
	void aHandlerTakingAnythingButTheExceptionAndTheMethodFailsTheStart() {
		assertThatIllegalStateException().isThrownBy(() -> RpcExceptionHandlers.of(Map.of("odd", new OddParameter())))
			.withMessage("@RpcAdvice bean 'odd' has @RpcExceptionHandler handle(IOException, String), which takes a String: "
					+ "a handler takes the exception and the RpcMethod that failed, nothing else");
	}

	@RpcAdvice
	static class Early implements Ordered {

		@RpcExceptionHandler
		String handle(UncheckedIOException ex) {
			return "early";
		}

		@Override
		public int getOrder() {
			return 1;
		}

	}

	@RpcAdvice
	static class Late implements Ordered {

		@RpcExceptionHandler
		String handle(UncheckedIOException ex) {
			return "late";
		}

		@Override
		public int getOrder() {
			return 2;
		}

	}

	@RpcAdvice
	static class Untyped {

		@RpcExceptionHandler
		String handle() {
			return "";
		}

	}

	@RpcAdvice
	static class Twice {

		@RpcExceptionHandler
		String a(NoSuchElementException ex) {
			return "a";
		}

		@RpcExceptionHandler(NoSuchElementException.class)
		RpcError b() {
			return RpcError.of(1, "b");
		}

	}

	@RpcAdvice
	static class WrongResult {

		@RpcExceptionHandler
		Integer handle(IOException ex) {
			return 1;
		}

	}

	@RpcAdvice
	static class OddParameter {

		@RpcExceptionHandler
		String handle(IOException ex, String other) {
			return "";
		}

	}

}
