package io.hellorpc.jsonrpc.server;

/**
 * Checks a call's param before its method runs, for methods whose parameter is annotated
 * {@code @Valid}; what it reports is answered as an invalid-params error. Auto-configured with
 * Bean Validation when a {@code jakarta.validation.Validator} is present.
 */
public interface RpcParamValidator {

	/** Validates nothing. */
	RpcParamValidator NONE = new RpcParamValidator() {
	};

	/** What is wrong with the param, naming each field ({@code "name: must not be blank"}), or {@code null}. */
	default String check(Object param) {
		return null;
	}

	/**
	 * What a validation failure thrown by the method (by a {@code @Validated} proxy, say) says is
	 * wrong, or {@code null} when {@code thrown} is no such failure.
	 */
	default String describe(Throwable thrown) {
		return null;
	}

}
