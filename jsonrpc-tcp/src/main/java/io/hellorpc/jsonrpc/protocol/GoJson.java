package io.hellorpc.jsonrpc.protocol;

import tools.jackson.core.SerializableString;
import tools.jackson.core.io.CharacterEscapes;
import tools.jackson.core.io.SerializedString;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * JSON as Go's {@code encoding/json} speaks it, so that messages match a Go peer's byte for byte:
 * Java's {@code message} is written as Go's exported field {@code Message}, keys are matched
 * ignoring case, unknown keys are ignored, a number is not taken for a string, and {@code <},
 * {@code >}, {@code &} are escaped as Go escapes them.
 */
public final class GoJson {

	private GoJson() {
	}

	public static JsonMapper.Builder mapperBuilder() {
		JsonFactory factory = JsonFactory.builder().characterEscapes(new GoCharacterEscapes()).build();
		return JsonMapper.builder(factory)
			.propertyNamingStrategy(PropertyNamingStrategies.UPPER_CAMEL_CASE)
			.enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.withCoercionConfig(LogicalType.Textual, (config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail));
	}

	public static JsonMapper mapper() {
		return mapperBuilder().build();
	}

	/** Go's encoder escapes the HTML-significant characters; so do we. */
	private static final class GoCharacterEscapes extends CharacterEscapes {

		private static final String HTML = "<>&";

		private final int[] escapes;

		GoCharacterEscapes() {
			this.escapes = standardAsciiEscapesForJSON();
			for (char ch : HTML.toCharArray()) {
				this.escapes[ch] = ESCAPE_CUSTOM;
			}
		}

		@Override
		public int[] getEscapeCodesForAscii() {
			return this.escapes;
		}

		@Override
		public SerializableString getEscapeSequence(int ch) {
			// Go writes the hex digits in lower case: \u003c, not \u003C.
			return new SerializedString(String.format("\\u%04x", ch));
		}

	}

}
