package io.hellorpc.jsonrpc.client;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.hellorpc.jsonrpc.protocol.ParamsMember;

import org.springframework.util.Assert;

/**
 * The params of a JSON-RPC 2.0 call spelled out, for methods that take other than one param: pass
 * one as the {@code params} argument of {@link RpcOperations#call call}, {@link RpcOperations#callAsync
 * callAsync}, {@link RpcOperations#sendNotification sendNotification} or an {@link RpcBatch} entry.
 * <pre class="code">
 * rpc.call("subtract", RpcParams.positional(42, 23), Integer.class);                    // "params":[42,23]
 * rpc.call("subtract", RpcParams.named(Map.of("minuend", 42, "subtrahend", 23)), Integer.class); // "params":{"minuend":42,"subtrahend":23}
 * rpc.call("get_data", RpcParams.none(), List.class);                                  // no "params" member
 * </pre>
 * Any other {@code params} object is the call's one param, sent as {@code "params":[params]}. Go's
 * dialect carries exactly one param, so a template of Go's dialect refuses these with an
 * {@link IllegalArgumentException}. Named params are written with their names sorted (JSON
 * objects have no order).
 */
public final class RpcParams {

	private static final RpcParams NONE = new RpcParams(null);

	/** A {@code List} (positional), a {@code Map} (named), or {@code null} (none). */
	private final Object value;

	private RpcParams(Object value) {
		this.value = value;
	}

	/** {@code "params":[values...]}, in order; {@code positional()} is {@code "params":[]}. Values may be null. */
	public static RpcParams positional(Object... values) {
		Assert.notNull(values, "values must not be null");
		return new RpcParams(Collections.unmodifiableList(Arrays.asList(values.clone())));
	}

	/** {@code "params":{"name":value,...}}, by name; values may be null, names may not. */
	public static RpcParams named(Map<String, ?> values) {
		Assert.notNull(values, "values must not be null");
		Map<String, Object> copy = new LinkedHashMap<>();
		values.forEach((name, value) -> {
			Assert.notNull(name, "a param name must not be null");
			copy.put(name, value);
		});
		return new RpcParams(Collections.unmodifiableMap(copy));
	}

	/** No {@code params} member at all, as the specification allows for a method without params. */
	public static RpcParams none() {
		return NONE;
	}

	/** The values by position, or {@code null} when these params are named or none. */
	@SuppressWarnings("unchecked")
	public List<Object> positionalValues() {
		return (this.value instanceof List<?> list) ? (List<Object>) list : null;
	}

	/** The values by name, or {@code null} when these params are positional or none. */
	@SuppressWarnings("unchecked")
	public Map<String, Object> namedValues() {
		return (this.value instanceof Map<?, ?> map) ? (Map<String, Object>) map : null;
	}

	ParamsMember member() {
		return new ParamsMember(this.value);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof RpcParams params && Objects.equals(this.value, params.value);
	}

	@Override
	public int hashCode() {
		return Objects.hashCode(this.value);
	}

	@Override
	public String toString() {
		return (this.value == null) ? "RpcParams.none()"
				: (this.value instanceof List) ? "RpcParams.positional" + this.value : "RpcParams.named" + this.value;
	}

}
