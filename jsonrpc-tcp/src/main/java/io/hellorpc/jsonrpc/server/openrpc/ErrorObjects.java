package io.hellorpc.jsonrpc.server.openrpc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.hellorpc.jsonrpc.protocol.RpcError;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The error codes the server answers with ({@link RpcError}'s), as OpenRPC error objects under
 * {@code components.errors}; each method lists, by reference, those a call of it can get.
 */
final class ErrorObjects {

	private static final String REFERENCE = "#/components/errors/";

	/** Name, code and message; the server's own texts are more precise, these are the codes' meanings. */
	private static final List<Map.Entry<String, RpcError>> ALL = List.of(
			Map.entry("ParseError", RpcError.of(RpcError.PARSE_ERROR, "Parse error")),
			Map.entry("InvalidRequest", RpcError.of(RpcError.INVALID_REQUEST, "Invalid Request")),
			Map.entry("MethodNotFound", RpcError.of(RpcError.METHOD_NOT_FOUND, "Method not found")),
			Map.entry("InvalidParams", RpcError.of(RpcError.INVALID_PARAMS, "Invalid params")),
			Map.entry("InternalError", RpcError.of(RpcError.INTERNAL_ERROR, "Internal error")),
			Map.entry("ApplicationError",
					RpcError.of(RpcError.APPLICATION_ERROR, "The method failed; the message is its exception's")),
			Map.entry("CallNotStarted",
					RpcError.of(RpcError.CALL_NOT_STARTED, "Call not started: refused unrun, safe to send again")),
			Map.entry("CallTimeout", RpcError.of(RpcError.CALL_TIMEOUT, "Call timed out")),
			Map.entry("Unauthenticated", RpcError.of(RpcError.UNAUTHENTICATED, "Authentication required")),
			Map.entry("AccessDenied", RpcError.of(RpcError.ACCESS_DENIED, "Access denied")));

	private ErrorObjects() {
	}

	static ObjectNode components(JsonMapper mapper) {
		ObjectNode errors = mapper.createObjectNode();
		ALL.forEach((error) -> errors.putObject(error.getKey())
			.put("code", error.getValue().code())
			.put("message", error.getValue().message()));
		return errors;
	}

	/**
	 * What a call of a method can be answered with besides its result: params that do not fit, a
	 * failure of the method or of the server, a refusal before it ran, and past
	 * {@code rpc.server.call-timeout} (when set) a timeout, and with Spring Security a refusal
	 * (unauthenticated, denied). An {@code RpcApplicationException}'s own code is the
	 * application's, not known here.
	 */
	static ArrayNode ofAMethod(JsonMapper mapper, boolean callTimeout, boolean secured) {
		List<String> names = new ArrayList<>(List.of("InvalidParams", "ApplicationError", "InternalError", "CallNotStarted"));
		if (callTimeout) {
			names.add("CallTimeout");
		}
		if (secured) {
			names.addAll(List.of("Unauthenticated", "AccessDenied"));
		}
		ArrayNode references = mapper.createArrayNode();
		names.forEach((name) -> references.addObject().put("$ref", REFERENCE + name));
		return references;
	}

}
