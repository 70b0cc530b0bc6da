package io.hellorpc.jsonrpc.protocol;

import java.lang.reflect.Field;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.type.TypeFactory;

/**
 * Why a JSON value does not fit a Java type, in the words of Go's {@code json.UnmarshalTypeError}
 * ({@code json: cannot unmarshal number into Go struct field Request.Name of type string}), with
 * types named as Go would name them. Never a Java class name or a Jackson message.
 */
final class GoTypeErrors {

	private GoTypeErrors() {
	}

	static String describe(JacksonException ex, JsonNode value, JavaType target, TypeFactory types) {
		if (ex instanceof ValueInstantiationException && ex.getCause() != null && ex.getCause().getMessage() != null) {
			// The type's own constructor refused the value: its words, as a handler's exception.
			return ex.getCause().getMessage();
		}
		List<JacksonException.Reference> path = ex.getPath();
		JsonNode offending = value;
		Type offendingType = target;
		String struct = null;
		StringBuilder fields = new StringBuilder();
		JavaType current = target;
		for (JacksonException.Reference reference : path) {
			if (offending == null) {
				break;
			}
			if (reference.getPropertyName() != null) {
				struct = simpleName(current.getRawClass());
				String field = goFieldName(reference.getPropertyName());
				fields.append(fields.isEmpty() ? "" : ".").append(field);
				offending = child(offending, reference.getPropertyName());
				current = propertyType(current, reference.getPropertyName(), types);
			}
			else if (reference.getIndex() >= 0) {
				offending = offending.get(reference.getIndex());
				current = (current != null) ? current.getContentType() : null;
			}
			offendingType = current;
		}
		if (offendingType == null && ex instanceof MismatchedInputException mismatch) {
			offendingType = mismatch.getTargetType();
		}
		String kind = kind(offending, offendingType);
		String goType = goTypeName(offendingType);
		if (struct != null) {
			return "json: cannot unmarshal " + kind + " into Go struct field " + struct + "." + fields + " of type " + goType;
		}
		return "json: cannot unmarshal " + kind + " into Go value of type " + goType;
	}

	private static JsonNode child(JsonNode node, String name) {
		if (!node.isObject()) {
			return null;
		}
		JsonNode exact = node.get(name);
		if (exact != null) {
			return exact;
		}
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			if (entry.getKey().equalsIgnoreCase(name)) {
				return entry.getValue();
			}
		}
		return null;
	}

	/** The declared type of a record component or field, matched ignoring case as the mapper does. */
	private static JavaType propertyType(JavaType owner, String name, TypeFactory types) {
		if (owner == null) {
			return null;
		}
		if (owner.isMapLikeType()) {
			return owner.getContentType();
		}
		Class<?> type = owner.getRawClass();
		if (type.isRecord()) {
			for (RecordComponent component : type.getRecordComponents()) {
				if (component.getName().equalsIgnoreCase(name)) {
					return types.resolveMemberType(component.getGenericType(), owner.getBindings());
				}
			}
		}
		for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
			for (Field field : c.getDeclaredFields()) {
				if (field.getName().equalsIgnoreCase(name)) {
					return types.resolveMemberType(field.getGenericType(), owner.getBindings());
				}
			}
		}
		return null;
	}

	/** Go's word for the kind of a JSON value: {@code number}, {@code string}, {@code bool}, {@code array}, {@code object}. */
	static String kindOf(JsonNode node) {
		return kind(node, null);
	}

	/** Go's words for the JSON value: {@code number} ({@code number 1.5} where an integer was wanted), {@code string}, ... */
	private static String kind(JsonNode node, Type target) {
		if (node == null) {
			return "value";
		}
		if (node.isNumber()) {
			return isInteger(target) ? "number " + node.asString() : "number";
		}
		if (node.isString()) {
			return "string";
		}
		if (node.isBoolean()) {
			return "bool";
		}
		if (node.isArray()) {
			return "array";
		}
		if (node.isObject()) {
			return "object";
		}
		return "null";
	}

	private static boolean isInteger(Type type) {
		Class<?> raw = rawClass(type);
		return raw == int.class || raw == long.class || raw == short.class || raw == byte.class || raw == Integer.class
				|| raw == Long.class || raw == Short.class || raw == Byte.class || raw == BigInteger.class;
	}

	/** A Java type as Go would print the matching Go type; a class by its simple name only. */
	static String goTypeName(Type type) {
		if (type instanceof JavaType javaType) {
			if (javaType.isArrayType() || javaType.isCollectionLikeType()) {
				return "[]" + goTypeName(javaType.getContentType());
			}
			if (javaType.isMapLikeType()) {
				return "map[" + goTypeName(javaType.getKeyType()) + "]" + goTypeName(javaType.getContentType());
			}
		}
		Class<?> raw = rawClass(type);
		if (raw == null || raw == Object.class) {
			return "interface {}";
		}
		if (raw == String.class || raw == char.class || raw == Character.class || CharSequence.class.isAssignableFrom(raw)) {
			return "string";
		}
		if (raw == boolean.class || raw == Boolean.class) {
			return "bool";
		}
		if (raw == int.class || raw == Integer.class) {
			return "int32";
		}
		if (raw == long.class || raw == Long.class || raw == BigInteger.class) {
			return "int64";
		}
		if (raw == short.class || raw == Short.class) {
			return "int16";
		}
		if (raw == byte.class || raw == Byte.class) {
			return "int8";
		}
		if (raw == float.class || raw == Float.class) {
			return "float32";
		}
		if (raw == double.class || raw == Double.class || raw == BigDecimal.class || raw == Number.class) {
			return "float64";
		}
		if (raw.isArray()) {
			return "[]" + goTypeName(raw.getComponentType());
		}
		if (Collection.class.isAssignableFrom(raw)) {
			return "[]interface {}";
		}
		if (Map.class.isAssignableFrom(raw)) {
			return "map[string]interface {}";
		}
		return simpleName(raw);
	}

	private static Class<?> rawClass(Type type) {
		if (type instanceof JavaType javaType) {
			return javaType.getRawClass();
		}
		return (type instanceof Class<?> c) ? c : null;
	}

	private static String simpleName(Class<?> type) {
		return type.getSimpleName().isEmpty() ? "struct {...}" : type.getSimpleName();
	}

	/** Go's exported field names begin with a capital letter. */
	private static String goFieldName(String name) {
		return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
	}

}
