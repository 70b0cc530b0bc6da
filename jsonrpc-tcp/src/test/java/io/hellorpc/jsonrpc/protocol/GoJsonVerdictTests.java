package io.hellorpc.jsonrpc.protocol;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.JsonGrammar;
import io.hellorpc.jsonrpc.support.JsonGrammar.Verdict;
import io.hellorpc.jsonrpc.support.ProcessResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a message is whole, cut short, or broken (and at which byte), as Go's {@code encoding/json}
 * decoder says ({@code interop/gojsonverdict}), for hand-picked edge cases and tens of thousands of
 * mutated messages: the server's frame scanner must say the same, and so must the fuzz oracles'
 * {@link JsonGrammar}, or the fuzzing judges by a wrong rule.
 */
class GoJsonVerdictTests {

	private static final List<String> EDGE_CASES = List.of("{}", "[]", "{", "[", "[t", "[tr", "[tru", "[true", "[true]",
			"[tx", "[f", "[fals]", "[nul", "[null,", "[null,]", "{\"a\"", "{\"a\":", "{\"a\":}", "{\"a\":1,}", "{\"a\":1,",
			"{\"a\" 1}", "{1:2}", "[1,2]", "[01]", "[-]", "[-0]", "[-01]", "[1.]", "[1.e5]", "[1e]", "[1e+]", "[1e+5]",
			"[1E-05]", "[0.5e5x]", "[1", "[1.", "[1e", "[-", "[\"\\u12\"]", "[\"\\u12", "[\"\\uZZZZ\"]", "[\"\\x\"]",
			"[\"\\", "[\"a\tb\"]", "[\"\u0000\"]", "[\u0000]", "[\u007f]", "[\"\u007f\"]", "{\"a\":1}}", "[]]", "[}",
			"{]", "{\"a\":1]", "[[[]]]", "[[[]]", " \n\t[1] ", "[1 2]", "[1,,2]", "[,1]", "{,}", "{\"a\":1 \"b\":2}",
			"[true false]", "[nulll]", "[-1.5e-3]", "[1.5E+3 ]", "[\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"]");

	private static final String ALPHABET = "{}[]\":,.-+eE0123456789truefalsnl\\ \t\n\r/bx";

	private static final byte[] ODD_BYTES = { 0x00, 0x01, 0x1f, 0x7f, (byte) 0x80, (byte) 0xc5, (byte) 0xff };

	private static List<byte[]> inputs;

	private static List<String> goVerdicts;

	@BeforeAll
	static void askGo() {
		inputs = new ArrayList<>();
		for (String edge : EDGE_CASES) {
			inputs.add(edge.getBytes(StandardCharsets.UTF_8));
		}
		Random random = new Random(20261202);
		while (inputs.size() < 40_000) {
			byte[] input = mutate(random, message(random, 0).getBytes(StandardCharsets.UTF_8));
			if (startsAMessage(input)) {
				inputs.add(input);
			}
		}
		StringBuilder lines = new StringBuilder();
		for (byte[] input : inputs) {
			lines.append(HexFormat.of().formatHex(input)).append('\n');
		}
		Path program = GoPeer.build("gojsonverdict");
		ProcessResult result = GoPeer.runProgramWithInput(program, lines.toString().getBytes(StandardCharsets.US_ASCII), 120);
		assertThat(result.exitCode()).as(result.stderr()).isZero();
		goVerdicts = result.stdout().lines().toList();
		assertThat(goVerdicts).hasSameSizeAs(inputs);
	}

	@Test
	void theFrameScannerFindsWhereGoFindsAMessageWholeCutShortOrBroken() {
		assertThat(disagreements("scanner", GoJsonVerdictTests::scannerVerdict)).as("of " + inputs.size() + " inputs").isEmpty();
	}

	@Test
	void theFuzzOraclesGrammarFindsWhereGoFindsAMessageWholeCutShortOrBroken() {
		assertThat(disagreements("grammar", GoJsonVerdictTests::grammarVerdict)).as("of " + inputs.size() + " inputs").isEmpty();
	}

	private static List<String> disagreements(String judge, Function<byte[], String> verdict) {
		List<String> disagreements = new ArrayList<>();
		for (int i = 0; i < inputs.size(); i++) {
			String ours = verdict.apply(inputs.get(i));
			if (!ours.equals(goVerdicts.get(i))) {
				disagreements.add(show(inputs.get(i)) + ": Go " + goVerdicts.get(i) + ", " + judge + " " + ours);
			}
		}
		return disagreements;
	}

	@Test
	void theInputsCoverEveryVerdict() {
		assertThat(goVerdicts).anyMatch((v) -> v.startsWith("whole"))
			.anyMatch((v) -> v.equals("cut"))
			.anyMatch((v) -> v.startsWith("broken"));
		assertThat(goVerdicts.stream().filter((v) -> v.startsWith("whole")).count())
			.as("whole messages among the mutated ones").isGreaterThan(inputs.size() / 20);
	}

	/** As the decoder drives it: leading whitespace skipped, then one byte at a time until it stops. */
	private static String scannerVerdict(byte[] input) {
		JsonScanner scanner = new JsonScanner();
		int i = 0;
		while (JsonScanner.isWhitespace(input[i])) {
			i++;
		}
		for (; i < input.length; i++) {
			if (!scanner.process(input[i])) {
				return scanner.broken() ? "broken " + i : "whole " + (i + 1);
			}
		}
		return "cut";
	}

	private static String grammarVerdict(byte[] input) {
		Verdict verdict = JsonGrammar.value(input, 0);
		return switch (verdict.kind()) {
			case WHOLE -> "whole " + verdict.at();
			case CUT_SHORT -> "cut";
			case BROKEN -> "broken " + verdict.at();
			case UNJUDGED -> "unjudged";
		};
	}

	/** What the decoder hands the scanner: a first non-whitespace byte that opens an object or an array. */
	private static boolean startsAMessage(byte[] input) {
		for (byte b : input) {
			if (!JsonScanner.isWhitespace(b)) {
				return b == '{' || b == '[';
			}
		}
		return false;
	}

	/** A random valid message: an object or an array, a few levels deep. */
	private static String message(Random random, int depth) {
		boolean object = random.nextBoolean();
		StringBuilder out = new StringBuilder(object ? "{" : "[");
		int members = random.nextInt(4);
		for (int m = 0; m < members; m++) {
			if (m > 0) {
				out.append(',');
			}
			space(random, out);
			if (object) {
				out.append(string(random)).append(random.nextBoolean() ? ":" : " : ");
			}
			out.append((depth < 3 && random.nextInt(4) == 0) ? message(random, depth + 1) : scalar(random));
			space(random, out);
		}
		return out.append(object ? '}' : ']').toString();
	}

	private static String scalar(Random random) {
		return switch (random.nextInt(6)) {
			case 0 -> string(random);
			case 1 -> List.of("true", "false", "null").get(random.nextInt(3));
			case 2 -> List.of("0", "-0", "7", "-12", "340").get(random.nextInt(5));
			case 3 -> List.of("0.5", "-3.25", "1e9", "2E-3", "6.02e+23", "1.0E5").get(random.nextInt(6));
			default -> string(random);
		};
	}

	private static String string(Random random) {
		return List.of("\"\"", "\"a\"", "\"Name\"", "\"é日\"", "\"\\n\\t\"", "\"\\u00e9\"", "\"\\\"q\\\"\"", "\"a/b\"")
			.get(random.nextInt(8));
	}

	private static void space(Random random, StringBuilder out) {
		if (random.nextInt(4) == 0) {
			out.append(" \n\t\r".charAt(random.nextInt(4)));
		}
	}

	/** Up to three edits (a byte inserted, replaced, removed) and maybe a cut: mostly near-misses of valid JSON. */
	private static byte[] mutate(Random random, byte[] message) {
		List<Byte> bytes = new ArrayList<>();
		for (byte b : message) {
			bytes.add(b);
		}
		int edits = random.nextInt(4);
		for (int e = 0; e < edits && !bytes.isEmpty(); e++) {
			int at = random.nextInt(bytes.size());
			switch (random.nextInt(3)) {
				case 0 -> bytes.add(at, anyByte(random));
				case 1 -> bytes.set(at, anyByte(random));
				default -> bytes.remove(at);
			}
		}
		if (random.nextInt(3) == 0 && bytes.size() > 1) {
			bytes = bytes.subList(0, 1 + random.nextInt(bytes.size() - 1));
		}
		byte[] out = new byte[bytes.size()];
		for (int i = 0; i < out.length; i++) {
			out[i] = bytes.get(i);
		}
		return out;
	}

	private static byte anyByte(Random random) {
		return (random.nextInt(8) == 0) ? ODD_BYTES[random.nextInt(ODD_BYTES.length)]
				: (byte) ALPHABET.charAt(random.nextInt(ALPHABET.length()));
	}

	private static String show(byte[] input) {
		StringBuilder out = new StringBuilder();
		for (byte b : input) {
			out.append((b >= 0x20 && b < 0x7f) ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff));
		}
		return out.toString();
	}

}
