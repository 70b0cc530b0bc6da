package io.hellorpc.jsonrpc.protocol;

/**
 * A call's id exactly as it came on the wire, as raw JSON text, so that it is echoed back
 * unchanged: Go sends a uint64, and a number above 2^53 must survive the round trip.
 */
public record RpcId(String json) {

	/** The id of a reply to a message whose id could not be read. */
	public static final RpcId NULL = new RpcId("null");

	public static RpcId of(long id) {
		return new RpcId(Long.toUnsignedString(id));
	}

}
