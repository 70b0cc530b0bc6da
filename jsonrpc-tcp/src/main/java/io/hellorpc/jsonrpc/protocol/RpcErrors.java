package io.hellorpc.jsonrpc.protocol;

/**
 * The error texts the RPC layer itself sends. Where Go's {@code net/rpc} has a text for the same
 * case, it is Go's, so that a Go user recognises it.
 */
public final class RpcErrors {

	private RpcErrors() {
	}

	public static String illFormedMethod(String method) {
		return "rpc: service/method request ill-formed: " + method;
	}

	public static String serviceNotFound(String method) {
		return "rpc: can't find service " + method;
	}

	public static String methodNotFound(String method) {
		return "rpc: can't find method " + method;
	}

	/** A param that Bean Validation rejected; {@code problems} names each field ({@code "name: must not be blank"}). */
	public static String invalidParams(String problems) {
		return "invalid params: " + problems;
	}

	/** A param an {@code @RpcMapping} method needs that the call did not send. */
	public static String missingParam(String param, String signature) {
		return "invalid params: missing param \"" + param + "\" of " + signature;
	}

	/** A named param no parameter of the method has. */
	public static String unknownParam(String param, String signature) {
		return "invalid params: unknown param \"" + param + "\" for " + signature;
	}

	/** More positional params than the method has parameters. */
	public static String tooManyParams(int given, String signature, int parameters) {
		return "invalid params: " + given + " params for " + signature + ", which takes " + parameters;
	}

	/** A param whose value does not fit its parameter ({@code problem}: Go's text), or failed validation. */
	public static String badParam(String param, String signature, String problem) {
		return "invalid params: param \"" + param + "\" of " + signature + ": " + problem;
	}

	public static String missingParams() {
		return "jsonrpc: request body missing params";
	}

	public static String messageTooLarge(long limit) {
		return "jsonrpc: message too large: the limit is " + limit + " bytes (rpc.server.max-message-size)";
	}

	public static String malformed(String problem) {
		return "jsonrpc: malformed message: " + problem;
	}

	/** The problem a {@link #malformed(String)} text names, without its prefix. */
	public static String problem(String malformedText) {
		String prefix = malformed("");
		return malformedText.startsWith(prefix) ? malformedText.substring(prefix.length()) : malformedText;
	}

	public static String tooManyConnections(int limit) {
		return "jsonrpc: too many connections: the limit is " + limit + " (rpc.server.max-connections)";
	}

	/** A method failed in a way that describes code, not the call (the log has the details). */
	public static String failedInternally(String method) {
		return "rpc: " + method + " failed with an internal error";
	}

	/** Our own code failed answering a call. */
	public static String internalError() {
		return "rpc: internal error";
	}

	public static String cannotEncode(String method) {
		return "rpc: cannot encode the result of " + method;
	}

	/** A call refused because its caller is anonymous (or its credentials were not accepted) and the method needs more. */
	public static String authenticationRequired(String method) {
		return "rpc: authentication required for " + method;
	}

	/** A call refused because its (authenticated) caller may not call the method. */
	public static String accessDenied(String method) {
		return "rpc: access denied to " + method;
	}

	public static String batchTooLarge(int size, int limit) {
		return "Invalid Request: a batch of " + size + " calls is more than rpc.server.max-batch-size (" + limit + ")";
	}

	public static String callTimedOut(String timeout) {
		return "rpc: call timed out after " + timeout + " (rpc.server.call-timeout)";
	}

	public static String shed(long budget, long held) {
		return "jsonrpc: connection shed: the server is over rpc.server.memory.budget (" + budget
				+ " bytes) and this connection held the most (" + held + " bytes)";
	}

	/** Begins every text of a call the server refused without running it: the caller may send it again elsewhere. */
	public static final String NOT_STARTED_PREFIX = "rpc: call not started: ";

	/** A call refused unread, never run: safe to send again, on another connection or server. */
	public static String notStarted(String why) {
		return NOT_STARTED_PREFIX + why;
	}

	/** A call read after its connection reached {@code rpc.server.max-connection-age}. */
	public static String connectionAged() {
		return notStarted("this connection reached rpc.server.max-connection-age; call again on a new connection");
	}

	public static String shuttingDown() {
		return notStarted("server is shutting down");
	}

}
