package io.hellorpc.jsonrpc.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hellorpc.jsonrpc.server.RpcMethod;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;
import io.hellorpc.jsonrpc.server.openrpc.OpenRpcDocument;

import com.fasterxml.jackson.annotation.JsonInclude;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * {@code /actuator/rpc}: the services the server publishes, their methods and message types; and
 * {@code /actuator/rpc/openrpc}, the OpenRPC document {@code rpc.discover} answers (while
 * discovery is on).
 */
@Endpoint(id = "rpc")
public class RpcServicesEndpoint {

	/** The selector under which the OpenRPC document is served. */
	static final String OPENRPC = "openrpc";

	private final RpcServiceRegistry registry;

	private final OpenRpcDocument document;

	public RpcServicesEndpoint(RpcServiceRegistry registry) {
		this(registry, null);
	}

	/** @param document what {@code rpc.discover} answers, or {@code null} when discovery is off */
	public RpcServicesEndpoint(RpcServiceRegistry registry, OpenRpcDocument document) {
		this.registry = registry;
		this.document = document;
	}

	/** {@code /actuator/rpc/openrpc}: the same document as {@code rpc.discover}; any other name, or discovery off, is not found. */
	@ReadOperation
	public Object document(@Selector String name) {
		return (OPENRPC.equals(name) && this.document != null) ? this.document.json() : null;
	}

	@ReadOperation
	public Services services() {
		Map<String, List<MethodDescriptor>> byService = new LinkedHashMap<>();
		for (RpcMethod method : this.registry.methods()) {
			byService.computeIfAbsent(method.service(), (name) -> new ArrayList<>())
				.add(describe(method));
		}
		return new Services(byService.entrySet()
			.stream()
			.map((entry) -> new ServiceDescriptor(entry.getKey(), entry.getValue()))
			.toList());
	}

	private static MethodDescriptor describe(RpcMethod method) {
		if (!method.mapped()) {
			return new MethodDescriptor(method.name(), method.parameterType().toCanonical(),
					method.method().getGenericReturnType().getTypeName(), null, null, null);
		}
		List<ParamDescriptor> params = method.params()
			.stream()
			.map((param) -> new ParamDescriptor(param.name(), param.type().toCanonical()))
			.toList();
		List<String> dialects = method.goCallable() ? List.of("go", "json-rpc-2") : List.of("json-rpc-2");
		String requestType = method.goCallable() ? method.parameterType().toCanonical() : null;
		return new MethodDescriptor(method.name(), requestType, method.method().getGenericReturnType().getTypeName(),
				method.wireName(), params, dialects);
	}

	/** Every published service. */
	public record Services(List<ServiceDescriptor> services) {
	}

	/** One service and its methods. */
	public record ServiceDescriptor(String name, List<MethodDescriptor> methods) {
	}

	/**
	 * A method: its name ({@code Service.Method} is the service's name, a dot and this) and types.
	 * For an {@code @RpcMapping} method also its whole wire name (a flat name is listed under its
	 * endpoint's service), its parameters in order, and the dialects that reach it ({@code go},
	 * {@code json-rpc-2}); {@code requestType} is then there only when Go's dialect reaches it. Absent members are left out of the JSON.
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record MethodDescriptor(String name, String requestType, String responseType, String wireName,
			List<ParamDescriptor> params, List<String> dialects) {
	}

	/** A parameter of an {@code @RpcMapping} method: its Java name (named params use it) and type. */
	public record ParamDescriptor(String name, String type) {
	}

}
