package io.hellorpc.jsonrpc.server.openrpc;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import com.fasterxml.classmate.ResolvedType;
import com.fasterxml.classmate.TypeResolver;
import io.hellorpc.jsonrpc.server.RpcMapping;
import io.hellorpc.jsonrpc.server.RpcMethod;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.core.GenericTypeResolver;
import org.springframework.util.ClassUtils;

/**
 * The server's <a href="https://spec.open-rpc.org">OpenRPC</a> 1.3 document, the answer to
 * {@code rpc.discover}: every method of the registry as JSON-RPC 2.0 calls it, with its params and
 * result as JSON Schemas named as on the wire, and the error codes. Built once, at start-up.
 * <p>
 * A method published by Go's rule ({@code Handler.Execute}) takes one param by position, its
 * request object ({@code "params":[{"Name":"ciro"}]}); an {@link RpcMapping} method takes its
 * parameters by position or by name, by their Java names, an {@code Optional} one not required;
 * with a varargs parameter, by name only (by position, its values are the params left, which
 * OpenRPC cannot describe). A {@code CompletionStage}'s result is its value's; a {@code void}
 * method's is {@code null}. Object types are described once, under {@code components.schemas}.
 */
public final class OpenRpcDocument {

	/** The OpenRPC version the document follows. */
	public static final String OPENRPC_VERSION = "1.3.2";

	private final JsonNode json;

	private OpenRpcDocument(JsonNode json) {
		this.json = json;
	}

	/**
	 * What the document says of the server besides its methods.
	 *
	 * @param title the API's title ({@code info.title})
	 * @param version the API's version ({@code info.version})
	 * @param callTimeout whether calls can time out ({@code rpc.server.call-timeout} is set), so
	 * that methods list the timeout's code
	 * @param secured whether calls are authorized (Spring Security's interceptor is on), so that
	 * methods list the codes of a refusal
	 */
	public record Server(String title, String version, boolean callTimeout, boolean secured) {
	}

	/**
	 * Describes the registry's methods.
	 * @param mapper the codec's mapper ({@code JsonRpcCodec#mapper()}): the schemas follow its
	 * naming and conversions
	 */
	public static OpenRpcDocument of(RpcServiceRegistry registry, JsonMapper mapper, Server server) {
		String title = server.title();
		String version = server.version();
		WireSchemas schemas = new WireSchemas(mapper);
		ObjectNode document = mapper.createObjectNode().put("openrpc", OPENRPC_VERSION);
		document.putObject("info").put("title", title).put("version", version);
		ArrayNode methods = document.putArray("methods");
		for (RpcMethod method : registry.methods()) {
			ObjectNode described = methods.addObject().put("name", method.wireName());
			new MethodTypes(method).describe(described, schemas);
			described.set("errors", ErrorObjects.ofAMethod(mapper, server.callTimeout(), server.secured()));
		}
		ObjectNode components = document.putObject("components");
		ObjectNode definitions = schemas.definitions();
		if (!definitions.isEmpty()) {
			components.set("schemas", definitions);
		}
		components.set("errors", ErrorObjects.components(mapper));
		return new OpenRpcDocument(document);
	}

	/** The document as JSON; the same tree every time (do not change it). */
	public JsonNode json() {
		return this.json;
	}

	/** A method's parameter and result types, resolved against its bean's class. */
	private static final class MethodTypes {

		private static final TypeResolver TYPES = new TypeResolver();

		private final RpcMethod method;

		private final Class<?> beanClass;

		/** The method as the bean's own class declares it (the registry's may be a proxy's, without generics). */
		private final Method declared;

		MethodTypes(RpcMethod method) {
			this.method = method;
			this.beanClass = AopProxyUtils.ultimateTargetClass(method.bean());
			this.declared = ClassUtils.getMostSpecificMethod(method.method(), this.beanClass);
		}

		void describe(ObjectNode described, WireSchemas schemas) {
			List<RpcMethod.Param> params = this.method.params();
			described.put("paramStructure",
					!this.method.mapped() ? "by-position" : this.method.varargs() ? "by-name" : "either");
			ArrayNode descriptors = described.putArray("params");
			for (int i = 0; i < params.size(); i++) {
				Type type = GenericTypeResolver.resolveType(this.declared.getGenericParameterTypes()[i], this.beanClass);
				boolean optional = params.get(i).type().getRawClass() == Optional.class;
				boolean rest = this.method.varargs() && i == params.size() - 1;
				descriptors.addObject()
					.put("name", params.get(i).name())
					.put("required", !this.method.mapped() || !(optional || rest))
					.set("schema", schemaOf(type, schemas));
			}
			ObjectNode result = described.putObject("result").put("name", "result");
			if (this.method.returnsVoid()) {
				result.putObject("schema").put("type", "null");
			}
			else {
				result.set("schema", schemaOf(resultType(), schemas));
			}
		}

		/** An {@code Optional}'s schema is its value's or {@code null} (what the codec writes for it, and reads as empty). */
		private static ObjectNode schemaOf(Type type, WireSchemas schemas) {
			ResolvedType resolved = TYPES.resolve(type);
			if (!resolved.isInstanceOf(Optional.class)) {
				return schemas.schemaOf(resolved);
			}
			List<ResolvedType> value = resolved.typeParametersFor(Optional.class);
			ObjectNode schema = schemas.schemaOf((value != null && !value.isEmpty()) ? value.get(0) : Object.class);
			ObjectNode nullable = schema.objectNode();
			nullable.putArray("anyOf").add(schema.objectNode().put("type", "null")).add(schema);
			return nullable;
		}

		/** The declared result type; a {@code CompletionStage}'s value type, since the call answers with that. */
		private Type resultType() {
			Type type = GenericTypeResolver.resolveType(this.declared.getGenericReturnType(), this.beanClass);
			if (!CompletionStage.class.isAssignableFrom(this.declared.getReturnType())) {
				return type;
			}
			List<ResolvedType> value = TYPES.resolve(type).typeParametersFor(CompletionStage.class);
			return (value != null && !value.isEmpty()) ? value.get(0) : Object.class;
		}

	}

}
