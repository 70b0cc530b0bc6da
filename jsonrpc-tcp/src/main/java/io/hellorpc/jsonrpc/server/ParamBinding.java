package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.ParamsException;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import io.hellorpc.jsonrpc.protocol.RpcRequest;

/** A call's param as its method's parameter, converted with Go's semantics and validated where asked. */
final class ParamBinding {

	private final JsonRpcCodec codec;

	private final RpcParamValidator validator;

	ParamBinding(JsonRpcCodec codec, RpcParamValidator validator) {
		this.codec = codec;
		this.validator = validator;
	}

	/** @throws InvalidParamsException with the reply's text when the param does not fit or is not valid */
	Object bind(RpcRequest request, RpcMethod method) {
		Object param;
		try {
			param = this.codec.readParam(request.params(), method.parameterType(),
					request.protocol() == RpcProtocol.JSON_RPC_2);
		}
		catch (ParamsException ex) {
			throw new InvalidParamsException(ex.getMessage());
		}
		if (method.validated()) {
			String problems = this.validator.check(param);
			if (problems != null) {
				throw new InvalidParamsException(RpcErrors.invalidParams(problems));
			}
		}
		return param;
	}

}
