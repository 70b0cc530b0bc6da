package io.hellorpc.jsonrpc.server;

import java.lang.reflect.Array;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.ParamsException;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.protocol.RpcRequest;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;

/**
 * A call's params as its method's arguments, each converted with Go's semantics and validated
 * where asked. A method published by Go's rule, or any call in Go's dialect, takes one param as
 * today (Go's one-slot array); a JSON-RPC 2.0 call of an {@link RpcMapping} method binds by
 * position or by name, as {@link RpcMapping} describes.
 */
final class ParamBinding {

	private final JsonRpcCodec codec;

	private final RpcParamValidator validator;

	ParamBinding(JsonRpcCodec codec, RpcParamValidator validator) {
		this.codec = codec;
		this.validator = validator;
	}

	/** @throws InvalidParamsException with the reply's text when the params do not fit or are not valid */
	Object[] bind(RpcRequest request, RpcMethod method) {
		boolean jsonRpc2 = request.protocol() == RpcProtocol.JSON_RPC_2;
		if (!method.mapped() || !jsonRpc2) {
			return new Object[] { bindOne(request, method, jsonRpc2) };
		}
		JsonNode params = this.codec.tree(request.params());
		List<RpcMethod.Param> parameters = method.params();
		Object[] arguments;
		if (parameters.size() == 1 && params != null && params.isObject() && isObject(parameters.get(0).type())
				&& !namesItsParameter(params, parameters.get(0))) {
			// The one object parameter is the named params object itself, as for methods of Go's shape.
			arguments = new Object[] { value(method, parameters.get(0), params) };
		}
		else {
			arguments = (params != null && params.isObject()) ? byName(method, params) : byPosition(method, params);
		}
		for (int i = 0; i < arguments.length; i++) {
			RpcMethod.Param param = parameters.get(i);
			if (param.validated()) {
				for (Object value : validatedValues(arguments[i])) {
					String problems = this.validator.check(value);
					if (problems != null) {
						throw new InvalidParamsException(RpcErrors.badParam(param.name(), method.signature(), problems));
					}
				}
			}
		}
		return arguments;
	}

	/** What {@code @Valid} checks: the value, each element of a varargs array, the value inside an {@link Optional}. */
	private static List<Object> validatedValues(Object argument) {
		if (argument instanceof Optional<?> optional) {
			return optional.<List<Object>>map(List::of).orElse(List.of());
		}
		if (argument != null && argument.getClass().isArray() && !argument.getClass().getComponentType().isPrimitive()) {
			return java.util.Arrays.asList((Object[]) argument);
		}
		return java.util.Collections.singletonList(argument);
	}

	/**
	 * Whether a named-params object names the one object parameter itself ({@code {"person":{...}}}
	 * for {@code admit(Person person)}): its only member has the parameter's name, which is not a
	 * property of the parameter's type.
	 */
	private static boolean namesItsParameter(JsonNode params, RpcMethod.Param param) {
		if (params.size() != 1 || !params.has(param.name()) || param.type().isMapLikeType()) {
			return false;
		}
		return !propertyNames(param.type().getRawClass()).contains(param.name());
	}

	private static Set<String> propertyNames(Class<?> type) {
		Set<String> names = new HashSet<>();
		if (type.isRecord()) {
			for (java.lang.reflect.RecordComponent component : type.getRecordComponents()) {
				names.add(component.getName());
			}
			return names;
		}
		for (java.beans.PropertyDescriptor property : org.springframework.beans.BeanUtils.getPropertyDescriptors(type)) {
			names.add(property.getName());
		}
		for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
			for (java.lang.reflect.Field field : c.getDeclaredFields()) {
				names.add(field.getName());
			}
		}
		return names;
	}

	/** Today's binding: the one param, Go's one-slot array (in 2.0, an object is the param itself). */
	private Object bindOne(RpcRequest request, RpcMethod method, boolean jsonRpc2) {
		Object param;
		try {
			param = this.codec.readParam(request.params(), method.parameterType(), jsonRpc2);
		}
		catch (ParamsException ex) {
			throw new InvalidParamsException(ex.getMessage());
		}
		if (method.params().get(0).validated()) {
			String problems = this.validator.check(param);
			if (problems != null) {
				throw new InvalidParamsException(RpcErrors.invalidParams(problems));
			}
		}
		return param;
	}

	private Object[] byPosition(RpcMethod method, JsonNode params) {
		List<RpcMethod.Param> parameters = method.params();
		int given = (params != null && params.isArray()) ? params.size() : 0;
		int fixed = method.varargs() ? parameters.size() - 1 : parameters.size();
		if (given > fixed && !method.varargs()) {
			throw new InvalidParamsException(RpcErrors.tooManyParams(given, method.signature(), parameters.size()));
		}
		Object[] arguments = new Object[parameters.size()];
		for (int i = 0; i < fixed; i++) {
			arguments[i] = (i < given) ? value(method, parameters.get(i), params.get(i)) : absent(method, parameters.get(i));
		}
		if (method.varargs()) {
			RpcMethod.Param rest = parameters.get(fixed);
			JavaType element = rest.type().getContentType();
			Object values = Array.newInstance(element.getRawClass(), Math.max(0, given - fixed));
			for (int i = fixed; i < given; i++) {
				Array.set(values, i - fixed, convert(method, rest, params.get(i), element));
			}
			arguments[fixed] = values;
		}
		return arguments;
	}

	private Object[] byName(RpcMethod method, JsonNode params) {
		List<RpcMethod.Param> parameters = method.params();
		Set<String> names = new HashSet<>();
		for (RpcMethod.Param param : parameters) {
			names.add(param.name());
		}
		for (Map.Entry<String, JsonNode> entry : params.properties()) {
			if (!names.contains(entry.getKey())) {
				throw new InvalidParamsException(RpcErrors.unknownParam(entry.getKey(), method.signature()));
			}
		}
		Object[] arguments = new Object[parameters.size()];
		for (int i = 0; i < arguments.length; i++) {
			RpcMethod.Param param = parameters.get(i);
			JsonNode value = params.get(param.name());
			boolean rest = method.varargs() && i == arguments.length - 1;
			if ((value == null || value.isNull()) && rest) {
				arguments[i] = Array.newInstance(param.type().getContentType().getRawClass(), 0);
			}
			else {
				arguments[i] = (value != null) ? value(method, param, value) : absent(method, param);
			}
		}
		return arguments;
	}

	/** An {@link Optional} parameter may be left out; any other is missing. */
	private static Object absent(RpcMethod method, RpcMethod.Param param) {
		if (param.type().getRawClass() == Optional.class) {
			return Optional.empty();
		}
		throw new InvalidParamsException(RpcErrors.missingParam(param.name(), method.signature()));
	}

	private Object value(RpcMethod method, RpcMethod.Param param, JsonNode value) {
		JavaType type = param.type();
		if (type.getRawClass() == Optional.class) {
			if (value.isNull()) {
				return Optional.empty();
			}
			JavaType content = (type.getContentType() != null) ? type.getContentType() : this.codec.type(Object.class);
			return Optional.ofNullable(convert(method, param, value, content));
		}
		return convert(method, param, value, type);
	}

	private Object convert(RpcMethod method, RpcMethod.Param param, JsonNode value, JavaType type) {
		try {
			return this.codec.readValue(value, type);
		}
		catch (ParamsException ex) {
			throw new InvalidParamsException(RpcErrors.badParam(param.name(), method.signature(), ex.getMessage()));
		}
	}

	/**
	 * Whether a named-params object is the parameter itself: a {@code Map}, a record, or a bean of
	 * the application's (no JDK type such as {@code URI} or {@code LocalDate}, which Jackson reads
	 * from a scalar; no enum, array, collection or {@code Optional}).
	 */
	static boolean isObject(JavaType type) {
		if (type.isMapLikeType()) {
			return true;
		}
		Class<?> raw = type.getRawClass();
		if (type.isContainerType() || type.isReferenceType() || raw.isPrimitive() || raw.isEnum() || raw.isArray()
				|| raw.isInterface()) {
			return false;
		}
		String name = raw.getName();
		return raw.isRecord() || !(name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk."));
	}

}
