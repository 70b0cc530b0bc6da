package io.hellorpc.jsonrpc.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hellorpc.jsonrpc.server.RpcMethod;
import io.hellorpc.jsonrpc.server.RpcServiceRegistry;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/** {@code /actuator/rpc}: the services the server publishes, their methods and message types. */
@Endpoint(id = "rpc")
public class RpcServicesEndpoint {

	private final RpcServiceRegistry registry;

	public RpcServicesEndpoint(RpcServiceRegistry registry) {
		this.registry = registry;
	}

	@ReadOperation
	public Services services() {
		Map<String, List<MethodDescriptor>> byService = new LinkedHashMap<>();
		for (RpcMethod method : this.registry.methods()) {
			byService.computeIfAbsent(method.service(), (name) -> new ArrayList<>())
				.add(new MethodDescriptor(method.name(), method.parameterType().toCanonical(),
						method.method().getGenericReturnType().getTypeName()));
		}
		return new Services(byService.entrySet()
			.stream()
			.map((entry) -> new ServiceDescriptor(entry.getKey(), entry.getValue()))
			.toList());
	}

	/** Every published service. */
	public record Services(List<ServiceDescriptor> services) {
	}

	/** One service and its methods. */
	public record ServiceDescriptor(String name, List<MethodDescriptor> methods) {
	}

	/** A method: its wire name ({@code Service.Method} is the service's name, a dot and this) and types. */
	public record MethodDescriptor(String name, String requestType, String responseType) {
	}

}
