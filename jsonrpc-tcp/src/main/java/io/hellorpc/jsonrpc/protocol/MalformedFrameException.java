package io.hellorpc.jsonrpc.protocol;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A message that broke the JSON grammar (or nested deeper than Go's decoder allows), seen by
 * {@link JsonFrameDecoder} at the byte that broke it, before the message ended. Its message is the
 * problem in the words of a {@link RpcErrors#malformed(String) malformed message} error
 * ({@code invalid character ']' at byte 94}, the byte counted from the message's start).
 */
public final class MalformedFrameException extends CorruptedFrameException {

	private final boolean looksJsonRpc2;

	MalformedFrameException(String problem, boolean looksJsonRpc2) {
		super(problem);
		this.looksJsonRpc2 = looksJsonRpc2;
	}

	/** Whether the bytes read of the message name {@code "jsonrpc"}: a JSON-RPC 2.0 peer is owed a parse error. */
	public boolean looksJsonRpc2() {
		return this.looksJsonRpc2;
	}

}
