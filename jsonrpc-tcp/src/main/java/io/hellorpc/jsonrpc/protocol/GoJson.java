package io.hellorpc.jsonrpc.protocol;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamWriteConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.StringNode;
import tools.jackson.databind.ser.std.StdSerializer;
import tools.jackson.databind.type.LogicalType;

/**
 * JSON as Go's {@code encoding/json} speaks it, so that messages match a Go peer's byte for byte.
 * <p>
 * Written: Java's {@code message} as Go's exported field {@code Message}, fields in declaration
 * order, map keys sorted; in strings only {@code "}, {@code \}, control characters ({@code \n},
 * {@code \r}, {@code \t}, else backslash-u00XX in lower case), {@code <}, {@code >}, {@code &} and
 * U+2028/U+2029 are escaped, all other text is raw UTF-8; floating-point numbers as Go prints them
 * ({@code 1}, {@code 0.5}, {@code 1e+21}, {@code 1e-7}).
 * <p>
 * Read: keys matched ignoring case, unknown keys ignored, lone surrogates as U+FFFD, and no
 * coercion Go would refuse (a number is not a string, a string not a number, 1.5 not an int).
 */
public final class GoJson {

	/** encoding/json's {@code maxNestingDepth}. */
	static final int GO_MAX_NESTING_DEPTH = 10_000;

	/** Digits in one number, far past any id or value a program sends (Jackson's default is 1,000). */
	static final int MAX_NUMBER_LENGTH = 100_000;

	private GoJson() {
	}

	public static JsonMapper.Builder mapperBuilder() {
		JsonFactory factory = JsonFactory.builder()
			.characterEscapes(new GoCharacterEscapes())
			.enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
			.disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
			.disable(JsonWriteFeature.ESCAPE_FORWARD_SLASHES)
			// Go's decoder nests 10,000 deep and takes numbers of any length; the message size bounds
			// strings, and numbers stop short of the length where turning digits into a BigInteger
			// (quadratic) would hold a thread for long.
			.streamReadConstraints(StreamReadConstraints.builder()
				.maxNestingDepth(GO_MAX_NESTING_DEPTH)
				.maxNumberLength(MAX_NUMBER_LENGTH)
				.maxStringLength(Integer.MAX_VALUE)
				.build())
			.streamWriteConstraints(StreamWriteConstraints.builder().maxNestingDepth(GO_MAX_NESTING_DEPTH).build())
			.build();
		SimpleModule goNumbers = new SimpleModule("go-numbers").addSerializer(Double.class, new GoFloatSerializer<>(Double.class))
			.addSerializer(double.class, new GoFloatSerializer<>(double.class))
			.addSerializer(Float.class, new GoFloatSerializer<>(Float.class))
			.addSerializer(float.class, new GoFloatSerializer<>(float.class));
		return JsonMapper.builder(factory)
			.addModule(goNumbers)
			.nodeFactory(new GoNodeFactory())
			.propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
			.disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
			.enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
			.enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
			.withCoercionConfig(LogicalType.Textual, (config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Integer, (config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Float, (config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Boolean, (config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail));
	}

	public static JsonMapper mapper() {
		return mapperBuilder().build();
	}

	/** Go's escaping: lower-case hex, HTML characters and the JavaScript line separators escaped, all else raw. */
	private static final class GoCharacterEscapes extends CharacterEscapes {

		private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");

		private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");

		private final int[] escapes;

		private final SerializedString[] asciiSequences = new SerializedString[128];

		GoCharacterEscapes() {
			this.escapes = standardAsciiEscapesForJSON();
			for (int ch = 0; ch < 0x20; ch++) {
				if (ch != '\n' && ch != '\r' && ch != '\t') {
					this.escapes[ch] = ESCAPE_CUSTOM; // Go writes backspace and form feed as hex escapes too
				}
			}
			for (char ch : "<>&".toCharArray()) {
				this.escapes[ch] = ESCAPE_CUSTOM;
			}
			for (int ch = 0; ch < 128; ch++) {
				if (this.escapes[ch] == ESCAPE_CUSTOM) {
					this.asciiSequences[ch] = new SerializedString(String.format("\\u%04x", ch));
				}
			}
		}

		@Override
		public int[] getEscapeCodesForAscii() {
			return this.escapes;
		}

		@Override
		public SerializableString getEscapeSequence(int ch) {
			if (ch < 128) {
				return this.asciiSequences[ch];
			}
			if (ch == '\u2028') {
				return LINE_SEPARATOR;
			}
			return (ch == '\u2029') ? PARAGRAPH_SEPARATOR : null;
		}

	}

	/** Strings read into trees (params, results) with lone surrogates as U+FFFD, as Go decodes an escaped lone surrogate. */
	private static final class GoNodeFactory extends JsonNodeFactory {

		@Override
		public StringNode stringNode(String text) {
			return super.stringNode((text != null) ? GoText.replaceLoneSurrogates(text) : null);
		}

	}

	/** Floating-point numbers as Go's encoder writes them. */
	private static final class GoFloatSerializer<T extends Number> extends StdSerializer<T> {

		GoFloatSerializer(Class<T> type) {
			super(type);
		}

		@Override
		public void serialize(T value, JsonGenerator generator, SerializationContext context) {
			generator.writeNumber(GoNumbers.format(value));
		}

	}

}
