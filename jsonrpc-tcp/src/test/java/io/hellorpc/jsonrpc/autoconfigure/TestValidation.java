package io.hellorpc.jsonrpc.autoconfigure;

import io.hellorpc.jsonrpc.server.RpcParamValidator;
import jakarta.validation.Validation;

/** The server's Bean Validation of params, as auto-configured, for tests that build a dispatcher by hand. */
public final class TestValidation {

	private TestValidation() {
	}

	public static RpcParamValidator beanValidation() {
		return new BeanValidationParams(Validation.buildDefaultValidatorFactory().getValidator());
	}

}
