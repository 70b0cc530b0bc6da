package io.hellorpc.jsonrpc.server;

import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.protocol.RpcOutcome;
import io.hellorpc.jsonrpc.server.advice.RpcExceptionHandlers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The error a failed method answers with. Invalid params stay invalid params, and an
 * {@link RpcApplicationException} its own answer; then the application's
 * {@link RpcExceptionHandlers} have their say; what none maps keeps the default rules:
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
		if (failure instanceof InvalidParamsException invalidParams) {
			// An interceptor may hand the binding's failure back as its future's.
			return RpcOutcome.failure(RpcError.of(RpcError.INVALID_PARAMS, invalidParams.getMessage()));
		}
		String invalid = this.validator.describe(failure);
		if (invalid != null) {
			return RpcOutcome.failure(RpcError.of(RpcError.INVALID_PARAMS, RpcErrors.invalidParams(invalid)));
		}
		// An RpcApplicationException is already an answer (the security integration's refusals are
		// ones): advice never remaps it, so a broad handler cannot turn "access denied" into another error.
		RpcError handled = (failure instanceof RpcApplicationException) ? null : this.handlers.handle(method, failure);
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
