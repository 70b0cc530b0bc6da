package io.hellorpc.jsonrpc.server;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.RunningServer;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link RpcMapping} methods over a real socket: names, params by position and by name, and Go's dialect. */
class RpcMappingTests {

	private static RunningServer server;

	@BeforeAll
	static void start() {
		server = RunningServer.start(CalcApplication.class);
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Import({ Calc.class, People.class })
	static class CalcApplication {

	}

	public record Person(@NotBlank String name, int age) {
	}

	public record Args(int a, int b) {
	}

	public record Sum(int c) {
	}

	@RpcEndpoint
	static class Calc {

		final List<String> recorded = new CopyOnWriteArrayList<>();

		@RpcMapping("subtract")
		public int subtract(int minuend, int subtrahend) {
			return minuend - subtrahend;
		}

		@RpcMapping("eth_getBalance")
		public String balance(String address, String block) {
			return address + "@" + block;
		}

		@RpcMapping("textDocument/didOpen")
		public void didOpen(Map<String, Map<String, Object>> params) {
			this.recorded.add("opened " + params.get("textDocument").get("uri"));
		}

		@RpcMapping("join")
		public String join(String separator, String... parts) {
			return String.join(separator, parts);
		}

		@RpcMapping("sum")
		public long sum(int... values) {
			return Arrays.stream(values).sum();
		}

		@RpcMapping("get_data")
		public List<Object> getData() {
			return List.of("hello", 5);
		}

		@RpcMapping("record")
		public void record(String text) {
			this.recorded.add(text);
		}

		@RpcMapping("greet")
		public String greet(String name, Optional<String> greeting) {
			return greeting.orElse("Hello") + " " + name;
		}

		@RpcMapping("admit")
		public String admit(@Valid Person person) {
			return person.name() + " " + person.age();
		}

		@RpcMapping("enroll")
		public String enroll(String course, @Valid Person person) {
			return person.name() + " in " + course;
		}

		@RpcMapping("Arith.Add")
		public Sum add(Args args) {
			return new Sum(args.a() + args.b());
		}

		@RpcMapping
		public int multiply(int a, int b) {
			return a * b;
		}

	}

	private static String call(RawConnection connection, String method, String params, String id) {
		connection.send("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\"" + (params != null ? ",\"params\":" + params : "")
				+ (id != null ? ",\"id\":" + id : "") + "}\n");
		return (id != null) ? connection.readLine() : null;
	}

	private static String result(String json, int id) {
		return "{\"jsonrpc\":\"2.0\",\"result\":" + json + ",\"id\":" + id + "}";
	}

	private static String invalidParams(String message, int id) {
		return "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,\"message\":\"" + message + "\"},\"id\":" + id + "}";
	}

	@Test
	void flatNamesAreCalledAsTheyAreWritten() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "eth_getBalance", "[\"0x407\",\"latest\"]", "1")).isEqualTo(result("\"0x407@latest\"", 1));
			assertThat(call(connection, "textDocument/didOpen", "{\"textDocument\":{\"uri\":\"file:///a\"}}", "2"))
				.isEqualTo(result("null", 2));
			assertThat(server.bean(Calc.class).recorded).contains("opened file:///a");
		}
	}

	@Test
	void severalParamsBindByPositionAndByName() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "subtract", "[42,23]", "1")).isEqualTo(result("19", 1));
			assertThat(call(connection, "subtract", "{\"subtrahend\":23,\"minuend\":42}", "2")).isEqualTo(result("19", 2));
			assertThat(call(connection, "Calc.Multiply", "{\"a\":6,\"b\":7}", "3")).isEqualTo(result("42", 3));
		}
	}

	@Test
	void aVarargsParameterTakesTheRemainingPositionalValues() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "sum", "[1,2,4]", "1")).isEqualTo(result("7", 1));
			assertThat(call(connection, "sum", "[]", "2")).isEqualTo(result("0", 2));
			assertThat(call(connection, "join", "[\"-\",\"a\",\"b\",\"c\"]", "3")).isEqualTo(result("\"a-b-c\"", 3));
			assertThat(call(connection, "join", "{\"separator\":\"+\",\"parts\":[\"x\",\"y\"]}", "4"))
				.isEqualTo(result("\"x+y\"", 4));
			assertThat(call(connection, "join", "{\"separator\":\"+\"}", "5")).isEqualTo(result("\"\"", 5));
		}
	}

	@Test
	void nullIsTheParametersZeroValueAndAnArrayIsNoVarargsValue() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "subtract", "[null,5]", "1")).isEqualTo(result("-5", 1));
			assertThat(call(connection, "greet", "[\"ann\",null]", "2")).isEqualTo(result("\"Hello ann\"", 2));
			assertThat(call(connection, "join", "[\"-\",null,\"b\"]", "3")).isEqualTo(result("\"-b\"", 3));
			assertThat(call(connection, "sum", "[[1,2,4]]", "4")).startsWith("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32602,")
				.contains("param \\\"values\\\" of sum(values...)");
		}
	}

	@Test
	void aMethodWithoutParametersTakesNoParamsOrEmptyOnes() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "get_data", null, "1")).isEqualTo(result("[\"hello\",5]", 1));
			assertThat(call(connection, "get_data", "[]", "2")).isEqualTo(result("[\"hello\",5]", 2));
			assertThat(call(connection, "get_data", "{}", "3")).isEqualTo(result("[\"hello\",5]", 3));
		}
	}

	@Test
	void aVoidMethodAnswersNullAndANotificationOfItNothing() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "record", "[\"called\"]", "1")).isEqualTo(result("null", 1));
			call(connection, "record", "{\"text\":\"notified\"}", null);
			await().untilAsserted(() -> assertThat(server.bean(Calc.class).recorded).contains("called", "notified"));
			// Run and done: the very next line on the connection is the next call's reply, not an answer to it.
			assertThat(call(connection, "get_data", null, "2")).isEqualTo(result("[\"hello\",5]", 2));
		}
	}

	/** Generic varargs, resolved against the bean class. */
	abstract static class Roster<T> {

		final List<Object> added = new CopyOnWriteArrayList<>();

		@SafeVarargs
		@RpcMapping("roster.addAll")
		public final int addAll(T... members) {
			this.added.addAll(Arrays.asList(members));
			return members.length;
		}

	}

	@RpcEndpoint
	static class People extends Roster<Person> {

		@RpcMapping("open")
		public String open(java.net.URI uri) {
			return uri.getScheme();
		}

		@RpcMapping("checkAll")
		public int checkAll(@Valid Person... people) {
			return people.length;
		}

		@RpcMapping("maybe")
		public String maybe(@Valid Optional<Person> person) {
			return person.map(Person::name).orElse("nobody");
		}

		@RpcMapping("People.shout")
		public String shout(String text) {
			return text.toUpperCase(java.util.Locale.ROOT);
		}

	}

	@Test
	void oneObjectParameterNamedByItsParameterNameBindsByName() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "admit", "{\"person\":{\"name\":\"ann\",\"age\":7}}", "1"))
				.isEqualTo(result("\"ann 7\"", 1));
			assertThat(call(connection, "admit", "{\"person\":{\"name\":\"\",\"age\":7}}", "2"))
				.isEqualTo(invalidParams("invalid params: param \\\"person\\\" of admit(person): name: must not be blank", 2));
		}
	}

	@Test
	void aJdkTypeReadFromAScalarIsNotTakenForAnObjectParameter() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "open", "{\"uri\":\"file:///a\"}", "1")).isEqualTo(result("\"file\"", 1));
			assertThat(call(connection, "open", "[\"https://x\"]", "2")).isEqualTo(result("\"https\"", 2));
		}
	}

	@Test
	void genericVarargsAreBoundToTheTypeTheBeanClassGivesThem() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "roster.addAll", "[{\"name\":\"ann\",\"age\":7},{\"name\":\"bob\"}]", "1"))
				.isEqualTo(result("2", 1));
		}
		assertThat(server.bean(People.class).added).containsExactly(new Person("ann", 7), new Person("bob", 0));
	}

	@Test
	void validIsCheckedOnEachVarargsValueAndInsideAnOptional() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "checkAll", "[{\"name\":\"ann\"},{\"name\":\"\"}]", "1")).isEqualTo(invalidParams(
					"invalid params: param \\\"people\\\" of checkAll(people...): name: must not be blank", 1));
			assertThat(call(connection, "maybe", "[{\"name\":\" \"}]", "2")).isEqualTo(invalidParams(
					"invalid params: param \\\"person\\\" of maybe(person): name: must not be blank", 2));
			assertThat(call(connection, "maybe", "[]", "3")).isEqualTo(result("\"nobody\"", 3));
		}
	}

	@Test
	void aNamedVarargsGivenNullIsEmpty() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "join", "{\"separator\":\"+\",\"parts\":null}", "1")).isEqualTo(result("\"\"", 1));
		}
	}

	@Test
	void gosDialectDoesNotReachAMappedNameWhoseMethodPartIsNotExported() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"People.shout\",\"params\":[\"hi\"],\"id\":1}\n");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":1,\"result\":null,\"error\":\"rpc: can't find service People.shout\"}");
			assertThat(call(connection, "People.shout", "[\"hi\"]", "2")).isEqualTo(result("\"HI\"", 2));
		}
	}

	@Test
	void anOptionalParameterMayBeLeftOut() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "greet", "[\"ann\"]", "1")).isEqualTo(result("\"Hello ann\"", 1));
			assertThat(call(connection, "greet", "{\"name\":\"bob\",\"greeting\":\"Hi\"}", "2")).isEqualTo(result("\"Hi bob\"", 2));
			assertThat(call(connection, "greet", "{\"name\":\"cy\"}", "3")).isEqualTo(result("\"Hello cy\"", 3));
		}
	}

	@Test
	void missingExtraAndMistypedParamsAreInvalidParamsNamingTheParameter() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "subtract", "[42]", "1")).isEqualTo(invalidParams(
					"invalid params: missing param \\\"subtrahend\\\" of subtract(minuend, subtrahend)", 1));
			assertThat(call(connection, "subtract", "{\"minuend\":42}", "2")).isEqualTo(invalidParams(
					"invalid params: missing param \\\"subtrahend\\\" of subtract(minuend, subtrahend)", 2));
			assertThat(call(connection, "subtract", null, "3")).isEqualTo(invalidParams(
					"invalid params: missing param \\\"minuend\\\" of subtract(minuend, subtrahend)", 3));
			assertThat(call(connection, "subtract", "[1,2,3]", "4")).isEqualTo(invalidParams(
					"invalid params: 3 params for subtract(minuend, subtrahend), which takes 2", 4));
			assertThat(call(connection, "subtract", "{\"minuend\":1,\"subtrahend\":2,\"divisor\":3}", "5")).isEqualTo(
					invalidParams("invalid params: unknown param \\\"divisor\\\" for subtract(minuend, subtrahend)", 5));
			assertThat(call(connection, "subtract", "[42,\"23\"]", "6")).isEqualTo(invalidParams(
					"invalid params: param \\\"subtrahend\\\" of subtract(minuend, subtrahend): "
							+ "json: cannot unmarshal string into Go value of type int32", 6));
			assertThat(call(connection, "sum", "[1,true]", "7")).isEqualTo(invalidParams(
					"invalid params: param \\\"values\\\" of sum(values...): json: cannot unmarshal bool into Go value of type int32", 7));
			assertThat(call(connection, "get_data", "[1]", "8"))
				.isEqualTo(invalidParams("invalid params: 1 params for get_data(), which takes 0", 8));
		}
	}

	@Test
	void oneObjectParameterTakesTheNamedParamsObjectItselfAndIsValidated() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "admit", "{\"name\":\"ann\",\"age\":7}", "1")).isEqualTo(result("\"ann 7\"", 1));
			assertThat(call(connection, "admit", "[{\"name\":\"bob\",\"age\":8}]", "2")).isEqualTo(result("\"bob 8\"", 2));
			assertThat(call(connection, "admit", "{\"name\":\"\",\"age\":7}", "3"))
				.isEqualTo(invalidParams("invalid params: param \\\"person\\\" of admit(person): name: must not be blank", 3));
			assertThat(call(connection, "enroll", "{\"course\":\"go\",\"person\":{\"name\":\" \"}}", "4")).isEqualTo(invalidParams(
					"invalid params: param \\\"person\\\" of enroll(course, person): name: must not be blank", 4));
			assertThat(call(connection, "enroll", "[\"go\",{\"name\":\"cy\"}]", "5")).isEqualTo(result("\"cy in go\"", 5));
		}
	}

	@Test
	void gosDialectRefusesAFlatNameAndAMethodNotOfGosShapeInGosWords() {
		try (RawConnection connection = server.connect()) {
			connection.send("{\"method\":\"subtract\",\"params\":[42,23],\"id\":1}\n");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":1,\"result\":null,\"error\":\"rpc: service/method request ill-formed: subtract\"}");
			connection.send("{\"method\":\"Calc.Multiply\",\"params\":[6,7],\"id\":2}\n");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":2,\"result\":null,\"error\":\"rpc: can't find service Calc.Multiply\"}");
			connection.send("{\"method\":\"Arith.Multiply\",\"params\":[6,7],\"id\":3}\n");
			assertThat(connection.readLine())
				.isEqualTo("{\"id\":3,\"result\":null,\"error\":\"rpc: can't find method Arith.Multiply\"}");
			connection.send("{\"method\":\"Arith.Add\",\"params\":[{\"A\":2,\"B\":3}],\"id\":4}\n");
			assertThat(connection.readLine()).isEqualTo("{\"id\":4,\"result\":{\"C\":5},\"error\":null}");
		}
	}

	@Test
	void jsonRpc2ReachesAGoShapedMappingAsToday() {
		try (RawConnection connection = server.connect()) {
			assertThat(call(connection, "Arith.Add", "{\"A\":2,\"B\":3}", "1")).isEqualTo(result("{\"C\":5}", 1));
			assertThat(call(connection, "nope", "[]", "2"))
				.isEqualTo("{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"rpc: can't find method nope\"},\"id\":2}");
		}
	}

}
