package io.hellorpc.hello.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.PeerServer;
import io.hellorpc.jsonrpc.support.ProcessResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same bytes to Go's own {@code net/rpc/jsonrpc} server (interop/gohello) and to hello-server,
 * each request on a fresh connection that the client then half-closes, and the reply bytes
 * compared. The corpus covers every Unicode plane, every control character, invalid UTF-8, lone
 * surrogates, odd ids, every params shape, type mismatches, method names and framing. Replies may
 * come in any order on both servers, so a case's reply lines are compared as a sorted list.
 * <p>
 * The only differences allowed are listed in {@link Allowed}, each with its reason. Then the
 * reverse: Go's own client codec decodes every reply of ours to what it decodes Go's to.
 */
@SpringBootTest(properties = { "rpc.server.port=0", "rpc.server.host=127.0.0.1", "spring.main.web-application-type=none" })
class GoWireDifferentialTests {

	private static PeerServer go;

	@Value("${local.rpc.port}")
	private int ourPort;

	/** Where hello-server may differ from Go's server, and why. */
	enum Allowed {

		/** Identical bytes. */
		NONE,

		/**
		 * Go's texts name its own package ({@code main.Request}); ours name the record ({@code Request}).
		 */
		GO_PACKAGE_NAME,

		/**
		 * A message Go cannot decode as a request makes it close the connection without a word; we
		 * first answer with one error line (id null) that says what was wrong, then close too.
		 */
		MALFORMED_ANSWERED,

		/**
		 * A JSON array is a JSON-RPC 2.0 batch to us (answered by an array of 2.0 replies, here
		 * invalid-request errors); Go cannot decode it as a request and closes without a word.
		 */
		BATCH,

		/**
		 * A message with {@code "jsonrpc":"2.0"} is answered in JSON-RPC 2.0 (the same result, or the
		 * same text as an error object with a code); Go ignores the member and answers in its dialect.
		 */
		JSON_RPC_2,

		/**
		 * A bare {@code null} message: Go decodes it as an empty request (error: ill-formed method,
		 * connection kept); our framing takes only objects, so it is malformed (answered, closed).
		 */
		BARE_NULL

	}

	record Case(String label, byte[] bytes, Allowed allowed, boolean byteByByte) {

		static Case of(String label, String json, Allowed allowed) {
			return new Case(label, json.getBytes(StandardCharsets.UTF_8), allowed, false);
		}

	}

	@BeforeAll
	static void startGo() {
		go = GoPeer.startServer("server");
	}

	@AfterAll
	static void stopGo() {
		go.close();
	}

	@Test
	void repliesMatchGosServerByteForByteExceptTheDocumentedDifferences() throws IOException {
		List<Case> corpus = corpus();
		assertThat(corpus).hasSizeGreaterThanOrEqualTo(100);
		List<String> mismatches = new ArrayList<>();
		List<String> goLines = new ArrayList<>();
		List<String> ourLines = new ArrayList<>();
		int identical = 0;
		for (Case c : corpus) {
			List<String> theirs = lines(exchange(go.port(), c));
			List<String> ours = lines(exchange(this.ourPort, c));
			if (ours.equals(theirs)) {
				identical++;
			}
			else if (!explained(c.allowed(), theirs, ours)) {
				mismatches.add(c.label() + " (" + c.allowed() + ")\n    go:   " + theirs + "\n    ours: " + ours);
			}
			if (c.allowed() == Allowed.NONE || c.allowed() == Allowed.GO_PACKAGE_NAME) {
				goLines.addAll(theirs);
				ourLines.addAll(ours);
			}
		}
		System.out.printf("differential: %d requests, %d byte-identical, %d with a documented difference%n",
				corpus.size(), identical, corpus.size() - identical);
		assertThat(mismatches).as("replies that differ from Go's beyond the documented differences").isEmpty();
		assertThat(decodedByGo(ourLines)).as("what Go's client makes of our replies")
			.isEqualTo(decodedByGo(goLines).stream().map(GoWireDifferentialTests::withoutGoPackage).toList());
	}

	private static boolean explained(Allowed allowed, List<String> theirs, List<String> ours) {
		return switch (allowed) {
			case NONE -> false;
			case GO_PACKAGE_NAME -> theirs.stream().map(GoWireDifferentialTests::withoutGoPackage).toList().equals(ours);
			case MALFORMED_ANSWERED -> {
				List<String> extra = new ArrayList<>(ours);
				theirs.forEach(extra::remove);
				yield extra.size() == 1 && ours.size() == theirs.size() + 1 && extra.get(0)
					.startsWith("{\"id\":null,\"result\":null,\"error\":\"jsonrpc: malformed message: ");
			}
			case BATCH -> theirs.isEmpty() && ours.size() == 1 && ours.get(0).startsWith("[{\"jsonrpc\":\"2.0\",\"error\":");
			case JSON_RPC_2 -> theirs.size() == ours.size() && theirs.stream().map(GoWireDifferentialTests::asJsonRpc2)
				.sorted().toList().equals(ours.stream().map((line) -> line.replaceAll("\"code\":-?\\d+,", "")).toList());
			case BARE_NULL -> theirs.equals(List.of("{\"id\":null,\"result\":null,\"error\":\"rpc: service/method request ill-formed: \"}\n"))
					&& ours.size() == 1 && ours.get(0).contains("jsonrpc: malformed message: ");
		};
	}

	/** Go's reply in JSON-RPC 2.0's form (an error's code left out, since Go's dialect has none). */
	private static String asJsonRpc2(String goReply) {
		java.util.regex.Matcher success = java.util.regex.Pattern.compile("\\{\"id\":(.*),\"result\":(.*),\"error\":null}\n")
			.matcher(goReply);
		if (success.matches()) {
			return "{\"jsonrpc\":\"2.0\",\"result\":" + success.group(2) + ",\"id\":" + success.group(1) + "}\n";
		}
		java.util.regex.Matcher failure = java.util.regex.Pattern.compile("\\{\"id\":(.*),\"result\":null,\"error\":(\".*\")}\n")
			.matcher(goReply);
		return failure.matches() ? "{\"jsonrpc\":\"2.0\",\"error\":{\"message\":" + failure.group(2) + "},\"id\":"
				+ failure.group(1) + "}\n" : goReply;
	}

	private static String withoutGoPackage(String text) {
		return text.replace("main.", "");
	}

	private static List<String> decodedByGo(List<String> replies) {
		byte[] input = (String.join("\n", replies) + "\n").getBytes(StandardCharsets.UTF_8);
		ProcessResult result = GoPeer.runWithInput(input, 60, "-mode=decode");
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		return result.stdout().lines().toList();
	}

	/** Sends the case on a fresh connection, half-closes, and reads everything until the server closes. */
	private static byte[] exchange(int port, Case c) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(20_000);
			socket.setTcpNoDelay(true);
			OutputStream out = socket.getOutputStream();
			if (c.byteByByte()) {
				for (byte b : c.bytes()) {
					out.write(b);
					out.flush();
				}
			}
			else {
				out.write(c.bytes());
				out.flush();
			}
			socket.shutdownOutput();
			InputStream in = socket.getInputStream();
			ByteArrayOutputStream reply = new ByteArrayOutputStream();
			try {
				in.transferTo(reply);
			}
			catch (IOException ex) {
				// a reset after the last reply ends the exchange as a close does
			}
			return reply.toByteArray();
		}
	}

	/** The reply lines in sorted order (calls on one connection may be answered in any order); bytes kept. */
	private static List<String> lines(byte[] reply) {
		// ISO-8859-1 keeps every byte as one char, so invalid UTF-8 would show, not be smoothed over.
		String text = new String(reply, StandardCharsets.ISO_8859_1);
		return Arrays.stream(text.split("(?<=\n)")).filter((line) -> !line.isEmpty()).sorted().toList();
	}

	private static String call(String name) {
		return "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"" + name + "\"}],\"id\":1}";
	}

	private static String callWithParams(String params) {
		return "{\"method\":\"Handler.Execute\",\"params\":" + params + ",\"id\":1}";
	}

	private static String callWithId(String id) {
		return "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"id\"}],\"id\":" + id + "}";
	}

	static List<Case> corpus() {
		List<Case> cases = new ArrayList<>();
		// Text in every Unicode plane, raw and as escapes, and the characters Go escapes on output.
		int[] codePoints = { 'a', 0xE9, 0x3B1, 0x5D0, 0x65E5, 0xAC00, 0xFFFD, 0xFEFF, 0x2028, 0x2029, 0x85, 0xA0, 0x7F,
				0x1F600, 0x10348, 0x20000, 0x2F800, 0x30000, 0xE0001, 0xF0000, 0x10FFFD };
		for (int codePoint : codePoints) {
			String text = new String(Character.toChars(codePoint));
			cases.add(Case.of("U+" + Integer.toHexString(codePoint) + " raw", call("x" + text + "y"), Allowed.NONE));
			String escaped = text.chars().mapToObj((ch) -> String.format("\\u%04x", ch)).collect(Collectors.joining());
			cases.add(Case.of("U+" + Integer.toHexString(codePoint) + " escaped", call("x" + escaped + "y"), Allowed.NONE));
		}
		// Every control character, escaped (raw ones are not JSON), and the short escapes.
		for (int ch = 0; ch < 0x20; ch++) {
			cases.add(Case.of("control " + ch, call(String.format("c\\u%04X", ch)), Allowed.NONE));
		}
		for (String escape : List.of("\\n", "\\r", "\\t", "\\b", "\\f", "\\/", "\\\\", "\\\"", "<>&", "a/b", "'")) {
			cases.add(Case.of("escape " + escape, call(escape), Allowed.NONE));
		}
		// Lone and paired surrogates as escapes.
		for (String escape : List.of("\\ud800", "\\udc00", "\\ud83dx", "x\\ude00", "\\ud83d\\ude00", "\\udbff\\udfff",
				"\\ud800\\ud800")) {
			cases.add(Case.of("surrogate " + escape, call(escape), Allowed.NONE));
			// In a key, Go reads the same U+FFFD: an unknown member, ignored, wherever it stands.
			cases.add(Case.of("surrogate in a params key " + escape,
					callWithParams("[{\"Name\":\"k\",\"" + escape + "\":1,\"N" + escape + "\":{\"" + escape + "\":2}}]"), Allowed.NONE));
			cases.add(Case.of("surrogate in a message key " + escape,
					"{\"" + escape + "\":0,\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"m\"}],\"id\":\"" + escape
							+ "\",\"x" + escape + "\" : [\"" + escape + "\"]}", Allowed.NONE));
		}
		// Invalid UTF-8 inside a name.
		byte[][] invalid = { { (byte) 0xFF }, { (byte) 0xFE }, { (byte) 0xC0, (byte) 0x80 }, { (byte) 0xC1, (byte) 0xBF },
				{ (byte) 0xED, (byte) 0xA0, (byte) 0x80 }, { (byte) 0xE2, (byte) 0x82 }, { (byte) 0x80 },
				{ (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80 }, { (byte) 0xF0, (byte) 0x9F, (byte) 0x98 },
				{ (byte) 0xE0, (byte) 0x80, (byte) 0x80 }, { (byte) 0xF5, (byte) 0x80 }, { (byte) 0xC3 } };
		for (byte[] bad : invalid) {
			ByteArrayOutputStream bytes = new ByteArrayOutputStream();
			bytes.writeBytes(call("a").substring(0, call("a").indexOf("a\"}")).getBytes(StandardCharsets.UTF_8));
			bytes.writeBytes("a".getBytes(StandardCharsets.UTF_8));
			bytes.writeBytes(bad);
			bytes.writeBytes("b\"}],\"id\":1}".getBytes(StandardCharsets.UTF_8));
			cases.add(new Case("invalid UTF-8 " + Arrays.toString(bad), bytes.toByteArray(), Allowed.NONE, false));
		}
		// Ids: echoed as Go echoes a raw message (compacted, HTML escaped).
		for (String id : List.of("0", "7", "18446744073709551615", "99999999999999999999999", "-1", "1.5", "1.0", "1e3",
				"-0", "\"str\"", "\"a<b>&c\"", "\"\\u0041\"", "\"\u00e9\"", "null", "true", "[1, 2]", "{\"a\" : [1, {}]}",
				" 7 ", "\"\u2028\"")) {
			cases.add(Case.of("id " + id, callWithId(id), Allowed.NONE));
		}
		cases.add(Case.of("no id", "{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"x\"}]}", Allowed.NONE));
		// Every params shape.
		for (String params : List.of("[]", "[null]", "null", "[{}]", "[{\"name\":\"lower\"}]", "[{\"NAME\":\"upper\"}]",
				"[{\"Name\":null}]", "[{\"Name\":\"x\",\"Extra\":[1,{\"y\":2}]}]", "[{\"Name\":\"a\"},{\"Name\":\"b\"}]",
				"[{\"Name\":\"a\"},5]", "[{\"name\":\"first\",\"Name\":\"second\"}]")) {
			cases.add(Case.of("params " + params, callWithParams(params), Allowed.NONE));
		}
		cases.add(Case.of("params missing", "{\"method\":\"Handler.Execute\",\"id\":1}", Allowed.NONE));
		for (String params : List.of("{}", "{\"Name\":\"x\"}", "\"str\"", "5", "true")) {
			cases.add(Case.of("params not an array " + params, callWithParams(params), Allowed.NONE));
		}
		// Type mismatches, in Go's words.
		for (String name : List.of("5", "1.5", "-3", "true", "[1]", "{\"a\":1}", "[]")) {
			cases.add(Case.of("Name as " + name, callWithParams("[{\"Name\":" + name + "}]"), Allowed.NONE));
		}
		for (String value : List.of("\"str\"", "5", "true", "[1]", "[[1]]")) {
			cases.add(Case.of("param as " + value, callWithParams("[" + value + "]"), Allowed.GO_PACKAGE_NAME));
		}
		// Method names and key case.
		for (String method : List.of("Handler.Nope", "Nope.Execute", "X", "", "Handler.", ".Execute", "handler.execute",
				"Handler.Execute.Extra", "Handler..Execute")) {
			cases.add(Case.of("method " + method,
					"{\"method\":\"" + method + "\",\"params\":[{\"Name\":\"m\"}],\"id\":2}", Allowed.NONE));
		}
		cases.add(Case.of("keys in upper case", "{\"METHOD\":\"Handler.Execute\",\"PARAMS\":[{\"Name\":\"k\"}],\"ID\":3}",
				Allowed.NONE));
		cases.add(Case.of("duplicate method key", "{\"method\":\"Nope.X\",\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"d\"}],\"id\":4}",
				Allowed.NONE));
		cases.add(Case.of("empty object", "{}", Allowed.NONE));
		cases.add(Case.of("unknown keys", "{\"jsonrpc\":\"1.0\",\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"u\"}],\"id\":5,\"x\":[]}",
				Allowed.NONE));
		// Framing: joined, separated, split byte by byte, long.
		cases.add(Case.of("two joined", call("a") + call("b").replace("\"id\":1", "\"id\":2"), Allowed.NONE));
		cases.add(Case.of("three with whitespace", " \n" + call("a") + "\r\n\t " + call("b").replace("\"id\":1", "\"id\":2") + "\n\n"
				+ call("").replace("\"id\":1", "\"id\":3"), Allowed.NONE));
		cases.add(new Case("split byte by byte", (call("s") + "\n" + call("t").replace("\"id\":1", "\"id\":2"))
			.getBytes(StandardCharsets.UTF_8), Allowed.NONE, true));
		cases.add(Case.of("braces inside strings", call("{[}]\\\"}"), Allowed.NONE));
		cases.add(Case.of("long name", call("n".repeat(100_000)), Allowed.NONE));
		cases.add(Case.of("pretty printed", "{\n  \"method\": \"Handler.Execute\",\n  \"params\": [ { \"Name\": \"p\" } ],\n  \"id\": 6\n}\n",
				Allowed.NONE));
		// What Go cannot decode: it closes silently, we answer first.
		cases.add(Case.of("a JSON array (a 2.0 batch to us)", "[1,2]", Allowed.BATCH));
		for (String v2 : List.of(call("v2"), call(""), "{\"method\":\"Handler.Nope\",\"params\":[{}],\"id\":7}")) {
			cases.add(Case.of("JSON-RPC 2.0 " + v2, v2.replace("{\"method\"", "{\"jsonrpc\":\"2.0\",\"method\""), Allowed.JSON_RPC_2));
		}
		for (String bad : List.of("{\"method\": }", "\"str\"", "5", "GET / HTTP/1.1\r\n\r\n", "{\"method\":5,\"id\":1}",
				"{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"x\"}],\"id\":1}x", "{\"id\":1,}", "{'id':1}")) {
			cases.add(Case.of("malformed " + bad.strip(), bad, Allowed.MALFORMED_ANSWERED));
		}
		cases.add(Case.of("bare null", "null", Allowed.BARE_NULL));
		return cases;
	}

}
