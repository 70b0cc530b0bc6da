package io.hellorpc.jsonrpc.client;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;

/** A call's outcome from its reply: the result converted to the caller's type, or a typed failure. */
final class ReplyReader {

	private final JsonRpcCodec codec;

	ReplyReader(JsonRpcCodec codec) {
		this.codec = codec;
	}

	<T> T result(String method, RpcResponse response, JavaType resultType) {
		if (response.error() != null) {
			throw new RpcRemoteException(method, response.error(), response.code(), this.codec.plain(response.data()));
		}
		if (response.result() == null) {
			return null;
		}
		try {
			return this.codec.convert(response.result(), resultType);
		}
		catch (JacksonException ex) {
			throw new RpcException("cannot read the result of " + method + " as " + resultType + ": "
					+ ex.getOriginalMessage(), ex);
		}
	}

}
