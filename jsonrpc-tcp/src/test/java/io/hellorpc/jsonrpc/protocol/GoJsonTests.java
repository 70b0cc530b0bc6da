package io.hellorpc.jsonrpc.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Go's encoding/json output rules, one by one (the differential test checks them against Go itself). */
class GoJsonTests {

	private final JsonMapper mapper = GoJson.mapper();

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "1.0|1", "0.5|0.5", "-2.25|-2.25", "123456789.0|123456789", "1e20|100000000000000000000",
			"1e21|1e+21", "1.5e300|1.5e+300", "0.000001|0.000001", "1e-7|1e-7", "1.5e-10|1.5e-10", "-0.0|-0", "0.0|0",
			"0.1|0.1", "3.0e-5|0.00003" })
	void doublesAreWrittenAsGoWritesThem(double value, String expected) {
		assertThat(this.mapper.writeValueAsString(value)).isEqualTo(expected);
	}

	@Test
	void floatsUseTheirOwnShortestForm() {
		assertThat(this.mapper.writeValueAsString(0.1f)).isEqualTo("0.1");
	}

	@Test
	void onlyWhatGoEscapesIsEscapedAndInLowerCase() {
		assertThat(this.mapper.writeValueAsString("é日😀\u2028\u2029<>&\"\\/\n\r\t\b\f\u001f\u007f"))
			.isEqualTo("\"é日😀\\u2028\\u2029\\u003c\\u003e\\u0026\\\"\\\\/\\n\\r\\t\\u0008\\u000c\\u001f\u007f\"");
	}

	@Test
	void mapKeysAreSortedAndRecordFieldsKeepTheirOrder() {
		record Pair(String zeta, String alpha) {
		}
		Map<String, Integer> map = Map.of("b", 2, "a", 1, "c", 3);
		assertThat(this.mapper.writeValueAsString(map)).isEqualTo("{\"a\":1,\"b\":2,\"c\":3}");
		assertThat(this.mapper.writeValueAsString(new Pair("z", "a"))).isEqualTo("{\"Zeta\":\"z\",\"Alpha\":\"a\"}");
	}

	@Test
	void invalidUtf8IsOneReplacementCharacterPerBadByteAsGoDecodesIt() {
		byte[] bytes = { 'a', (byte) 0xED, (byte) 0xA0, (byte) 0x80, 'b', (byte) 0xE2, (byte) 0x82, 'c', (byte) 0xC3, (byte) 0xA9 };
		assertThat(new String(GoText.replaceInvalidUtf8(bytes, 0, bytes.length), StandardCharsets.UTF_8))
			.isEqualTo("a\uFFFD\uFFFD\uFFFDb\uFFFD\uFFFDcé");
		byte[] valid = "plain é 😀".getBytes(StandardCharsets.UTF_8);
		assertThat(GoText.replaceInvalidUtf8(valid, 0, valid.length)).isNull();
	}

	@Test
	void loneSurrogatesReadAsReplacementCharacters() {
		assertThat(this.mapper.readTree("[\"a\\ud800b\\ud83d\\ude00\\udc00\"]").get(0).asString())
			.isEqualTo("a\uFFFDb😀\uFFFD");
	}

	@Test
	void aRawIdIsCompactedAndHtmlEscapedAsGoEchoesIt() {
		byte[] id = "{ \"a\" : [1, \"<&>\"] }".getBytes(StandardCharsets.UTF_8);
		assertThat(GoText.compact(id, 0, id.length)).isEqualTo("{\"a\":[1,\"\\u003c\\u0026\\u003e\"]}");
	}

}
