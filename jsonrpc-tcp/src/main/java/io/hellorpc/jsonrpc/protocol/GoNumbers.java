package io.hellorpc.jsonrpc.protocol;

import java.math.BigDecimal;

/**
 * Floating-point numbers as Go's {@code encoding/json} writes them: the shortest text that reads
 * back as the same value; plain notation from 1e-6 up to 1e21 ({@code 1}, not {@code 1.0}),
 * exponent notation outside it ({@code 1e+21}, {@code 1.5e-7}).
 */
final class GoNumbers {

	private GoNumbers() {
	}

	static String format(Number number) {
		boolean single = number instanceof Float;
		double value = number.doubleValue();
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			throw new IllegalArgumentException("json: unsupported value: " + value);
		}
		// Java's toString is the shortest text that reads back as the same float or double.
		BigDecimal shortest = new BigDecimal(single ? Float.toString(number.floatValue()) : Double.toString(value));
		double abs = Math.abs(value);
		if (abs == 0 || (abs >= 1e-6 && abs < 1e21)) {
			String plain = shortest.stripTrailingZeros().toPlainString();
			return (value == 0 && 1 / value < 0) ? "-0" : plain;
		}
		BigDecimal unscaled = shortest.stripTrailingZeros();
		String digits = unscaled.unscaledValue().abs().toString();
		int exponent = digits.length() - 1 - unscaled.scale();
		StringBuilder out = new StringBuilder();
		if (value < 0) {
			out.append('-');
		}
		out.append(digits.charAt(0));
		if (digits.length() > 1) {
			out.append('.').append(digits, 1, digits.length());
		}
		out.append('e').append(exponent < 0 ? '-' : '+');
		int magnitude = Math.abs(exponent);
		// Go prints at least two exponent digits, then shortens e-07 to e-7 (and leaves e+21 alone).
		if (magnitude < 10 && exponent > 0) {
			out.append('0');
		}
		return out.append(magnitude).toString();
	}

}
