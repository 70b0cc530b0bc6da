package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.server.advice.RpcExceptionHandlers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The error a failed method answers with. Invalid params stay invalid params; then the
 * application's {@link RpcExceptionHandlers} have their say; what none maps keeps the default rules:
 * the method's own exception message is its answer to the caller; the JVM's failures (a null
 * dereference, a bad cast, any {@link Error}) describe code, not the call, and are named only in
 * the log, never on the wire.
 */
final class CallFailures {

	private static final Log logger = LogFactory.getLog(CallFailures.class);

	private final RpcParamValidator validator;

	private final RpcExceptionHandlers handlers;

	CallFailures(RpcParamValidator validator, RpcExceptionHandlers handlers) {
		this.validator = validator;
		this.handlers = handlers;
	}

	RpcOutcome outcome(RpcMethod method, Throwable failure) {
		String invalid = this.validator.describe(failure);
		if (invalid != null) {
			return RpcOutcome.failure(RpcError.of(RpcError.INVALID_PARAMS, RpcErrors.invalidParams(invalid)));
		}
		RpcError handled = this.handlers.handle(method, failure);
		if (handled != null) {
			return RpcOutcome.failure(handled);
		}
		if (failure instanceof RpcApplicationException application) {
			return RpcOutcome.failure(new RpcError(application.getCode(), text(method, failure), application.getData()));
		}
		if (failure instanceof Error) {
			logger.warn("Call " + method.fullName() + " failed: " + failure, failure);
			return RpcOutcome.failure(RpcError.of(RpcError.INTERNAL_ERROR, RpcErrors.failedInternally(method.fullName())));
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Call " + method.fullName() + " failed", failure);
		}
		return RpcOutcome.failure(RpcError.of(RpcError.APPLICATION_ERROR, text(method, failure)));
	}

	private static String text(RpcMethod method, Throwable failure) {
		String message = failure.getMessage();
		if (message == null || message.isEmpty() || failure instanceof NullPointerException
				|| failure instanceof ClassCastException) {
			logger.warn("Call " + method.fullName() + " failed: " + failure);
			logger.debug("Call failure", failure);
			return RpcErrors.failedInternally(method.fullName());
		}
		return message;
	}

}
