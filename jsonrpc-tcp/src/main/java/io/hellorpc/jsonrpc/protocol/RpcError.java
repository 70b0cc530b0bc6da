package io.hellorpc.jsonrpc.protocol;

/**
 * Why a call failed, as JSON-RPC 2.0 says it ({@code {"code","message","data"}}); Go's dialect
 * sends the message alone.
 *
 * @param code the error code: one of the standard ones below, or an application's
 * @param message the error text
 * @param data more about the error, or {@code null}
 */
public record RpcError(int code, String message, Object data) {

	/** Invalid JSON. */
	public static final int PARSE_ERROR = -32700;

	/** JSON that is not a valid request. */
	public static final int INVALID_REQUEST = -32600;

	/** No such service or method. */
	public static final int METHOD_NOT_FOUND = -32601;

	/** Params that do not fit the method. */
	public static final int INVALID_PARAMS = -32602;

	/** A failure of the server itself. */
	public static final int INTERNAL_ERROR = -32603;

	/** A handler's exception that names no code of its own. */
	public static final int APPLICATION_ERROR = -32000;

	/** The server refused the call without running it ({@link RpcErrors#notStarted}): safe to send again. */
	public static final int CALL_NOT_STARTED = -32001;

	/** The call ran past {@code rpc.server.call-timeout} (go-ethereum's code for the same case). */
	public static final int CALL_TIMEOUT = -32002;

	/** The call needs an authenticated caller and came without one ({@link RpcErrors#authenticationRequired}): not run. */
	public static final int UNAUTHENTICATED = -32010;

	/** The caller is known but may not call the method ({@link RpcErrors#accessDenied}): not run. */
	public static final int ACCESS_DENIED = -32011;

	public static RpcError of(int code, String message) {
		return new RpcError(code, message, null);
	}

}
