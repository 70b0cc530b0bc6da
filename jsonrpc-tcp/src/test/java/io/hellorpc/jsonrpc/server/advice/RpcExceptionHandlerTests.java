package io.hellorpc.jsonrpc.server.advice;

import java.util.ConcurrentModificationException;
import java.util.InputMismatchException;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;

import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.server.RpcApplicationException;
import io.hellorpc.jsonrpc.server.RpcEndpoint;
import io.hellorpc.jsonrpc.server.RpcMethod;
import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code @RpcExceptionHandler}s of {@code @RpcAdvice} beans answering real calls over TCP, in both dialects. */
@ExtendWith(OutputCaptureExtension.class)
class RpcExceptionHandlerTests {

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.start(AdvisedApplication.class);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void aMappedExceptionIsAnsweredWithTheHandlersCodeMessageAndDataInJsonRpc2AndItsMessageInGosDialect() {
		try (RawConnection connection = server.connect()) {
			assertThat(json2(connection, "Accounts.Find", "\"42\"")).isEqualTo(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":404,\"message\":\"not found: no account 42\","
							+ "\"data\":{\"method\":\"Accounts.Find\"}},\"id\":1}");
			assertThat(go(connection, "Accounts.Find", "\"42\""))
				.isEqualTo("{\"id\":1,\"result\":null,\"error\":\"not found: no account 42\"}");
		}
	}

	@Test
	void theMostSpecificHandlerOfAnAdviceWins() {
		try (RawConnection connection = server.connect()) {
			assertThat(json2(connection, "Accounts.Parse", "\"x\"")).isEqualTo(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"not a number\"},\"id\":1}");
			assertThat(json2(connection, "Accounts.Check", "\"x\"")).isEqualTo(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"bad argument: x\"},\"id\":1}");
			assertThat(go(connection, "Accounts.Parse", "\"x\""))
				.isEqualTo("{\"id\":1,\"result\":null,\"error\":\"not a number\"}");
		}
	}

	@Test
	void theFirstAdviceInOrderThatMapsTheExceptionAnswersEvenWhenALaterOneMapsItMoreClosely() {
		// InputMismatchException extends NoSuchElementException: the first advice maps the latter, the second the former.
		try (RawConnection connection = server.connect()) {
			assertThat(json2(connection, "Accounts.Mismatch", "\"7\"")).startsWith(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":404,\"message\":\"not found: mismatch 7\"");
		}
	}

	@Test
	void anAdviceLimitedToSomeServicesLeavesTheOthersToTheNextAdvice() {
		try (RawConnection connection = server.connect()) {
			assertThat(json2(connection, "Jobs.Find", "\"9\"")).isEqualTo(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":410,\"message\":\"gone: no job 9\"},\"id\":1}");
			assertThat(json2(connection, "Accounts.Busy", "\"x\"")).isEqualTo(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":409,\"message\":\"try again\"},\"id\":1}");
		}
	}

	@Test
	void aCauseTheAdviceMapsIsHandledWhenTheThrownExceptionIsNot() {
		try (RawConnection connection = server.connect()) {
			assertThat(json2(connection, "Accounts.Wrapped", "\"5\"")).startsWith(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":404,\"message\":\"not found: no account 5\"");
		}
	}

	@Test
	void aFailedFutureIsHandledAsAThrownException() {
		try (RawConnection connection = server.connect()) {
			assertThat(go(connection, "Accounts.Later", "\"8\""))
				.isEqualTo("{\"id\":1,\"result\":null,\"error\":\"not found: no account 8\"}");
		}
	}

	@Test
	void anRpcApplicationExceptionIsAnsweredAsThrownEvenWhereAnAdviceMapsItsType() {
		try (RawConnection connection = server.connect()) {
			assertThat(json2(connection, "Accounts.Coded", "\"x\"")).isEqualTo(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":7,\"message\":\"coded x\"},\"id\":1}");
		}
	}

	@Test
	void whatNoHandlerMapsKeepsTheDefaultRulesAndNamesNoInternals() {
		try (RawConnection connection = server.connect()) {
			assertThat(json2(connection, "Accounts.Unmapped", "\"x\"")).isEqualTo(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"not yet\"},\"id\":1}");
			assertThat(go(connection, "Accounts.Dereference", "\"x\"")).isEqualTo(
					"{\"id\":1,\"result\":null,\"error\":\"rpc: Accounts.Dereference failed with an internal error\"}");
			// A handler that returns null leaves the exception to the same rules.
			assertThat(json2(connection, "Accounts.Declined", "\"x\"")).isEqualTo(
					"{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32000,\"message\":\"declined\"},\"id\":1}");
			// Params that do not fit are the peer's doing, never an exception for advice.
			assertThat(json2(connection, "Accounts.Find", "5")).contains("\"code\":-32602");
		}
	}

	@Test
	void aHandlerThatThrowsIsLoggedAndTheCallAnsweredAsAnInternalFailure(CapturedOutput output) {
		try (RawConnection connection = server.connect()) {
			assertThat(json2(connection, "Accounts.Broken", "\"x\"")).isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32603,"
					+ "\"message\":\"rpc: Accounts.Broken failed with an internal error\"},\"id\":1}");
			assertThat(go(connection, "Accounts.Broken", "\"x\"")).isEqualTo(
					"{\"id\":1,\"result\":null,\"error\":\"rpc: Accounts.Broken failed with an internal error\"}");
			assertThat(json2(connection, "Accounts.Silent", "\"x\"")).contains("\"code\":-32603",
					"rpc: Accounts.Silent failed with an internal error");
		}
		String advice = "Exception handler '" + AccountAdvice.class.getName() + "'.";
		await().until(() -> output.getOut().contains(advice + "broken(BrokenException) failed"));
		assertThat(output.getOut()).contains("java.lang.IllegalStateException: a bug in the handler")
			.contains(advice + "silent(SilentException) answered");
	}

	private static String json2(RawConnection connection, String method, String param) {
		connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":[" + param + "],\"id\":1}");
		return connection.readLine();
	}

	private static String go(RawConnection connection, String method, String param) {
		connection.send("{\"method\":\"" + method + "\",\"params\":[" + param + "],\"id\":1}");
		return connection.readLine();
	}

	@Import({ Accounts.class, Jobs.class, AccountAdvice.class, FallbackAdvice.class })
	static class AdvisedApplication {

	}

	static class BrokenException extends RuntimeException {

		BrokenException() {
			super("broken");
		}

	}

	static class SilentException extends RuntimeException {

		SilentException() {
			super("silent");
		}

	}

	static class DeclinedException extends RuntimeException {

		DeclinedException() {
			super("declined");
		}

	}

	@RpcEndpoint
	static class Accounts {

		public String find(String id) {
			throw new NoSuchElementException("no account " + id);
		}

		public int parse(String text) {
			return Integer.parseInt(text);
		}

		public String check(String text) {
			throw new IllegalArgumentException(text);
		}

		public String mismatch(String id) {
			throw new InputMismatchException("mismatch " + id);
		}

		public String busy(String id) {
			throw new ConcurrentModificationException("busy");
		}

		public String wrapped(String id) {
			throw new IllegalStateException("lookup failed", new NoSuchElementException("no account " + id));
		}

		public CompletableFuture<String> later(String id) {
			return CompletableFuture.supplyAsync(() -> {
				throw new NoSuchElementException("no account " + id);
			});
		}

		public String unmapped(String id) {
			throw new UnsupportedOperationException("not yet");
		}

		public String dereference(String id) {
			throw new NullPointerException("Cannot invoke \"String.length()\"");
		}

		public String declined(String id) {
			throw new DeclinedException();
		}

		public String broken(String id) {
			throw new BrokenException();
		}

		public String silent(String id) {
			throw new SilentException();
		}

		public String coded(String id) {
			throw new RpcApplicationException(7, "coded " + id, null);
		}

	}

	@RpcEndpoint
	static class Jobs {

		public String find(String id) {
			throw new NoSuchElementException("no job " + id);
		}

	}

	@RpcAdvice(services = "Accounts")
	@Order(1)
	static class AccountAdvice {

		@RpcExceptionHandler
		RpcError notFound(NoSuchElementException ex, RpcMethod method) {
			return new RpcError(404, "not found: " + ex.getMessage(), Map.of("method", method.fullName()));
		}

		@RpcExceptionHandler(IllegalArgumentException.class)
		public String badArgument(IllegalArgumentException ex) {
			return "bad argument: " + ex.getMessage();
		}

		@RpcExceptionHandler(NumberFormatException.class)
		public String notANumber() {
			return "not a number";
		}

		@RpcExceptionHandler
		public RpcError declined(DeclinedException ex) {
			return null;
		}

		@RpcExceptionHandler
		public RpcError broken(BrokenException ex) {
			throw new IllegalStateException("a bug in the handler");
		}

		@RpcExceptionHandler
		public RpcError silent(SilentException ex) {
			return RpcError.of(1, "");
		}

	}

	@RpcAdvice
	@Order(2)
	static class FallbackAdvice {

		@RpcExceptionHandler
		public RpcError gone(NoSuchElementException ex) {
			return RpcError.of(410, "gone: " + ex.getMessage());
		}

		@RpcExceptionHandler
		public RpcError mismatch(InputMismatchException ex) {
			return RpcError.of(422, "mismatch");
		}

		@RpcExceptionHandler(ConcurrentModificationException.class)
		public RpcError busy() {
			return RpcError.of(409, "try again");
		}

		@RpcExceptionHandler
		public RpcError remapped(RpcApplicationException ex) {
			return RpcError.of(500, "remapped");
		}

	}

}
