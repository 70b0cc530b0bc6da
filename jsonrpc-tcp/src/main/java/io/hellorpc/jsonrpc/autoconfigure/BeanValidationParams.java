package io.hellorpc.jsonrpc.autoconfigure;

import java.util.Iterator;
import java.util.Set;
import java.util.stream.Collectors;

import io.hellorpc.jsonrpc.server.RpcParamValidator;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.validation.Validator;

import org.springframework.validation.method.MethodValidationException;
import org.springframework.validation.method.ParameterValidationResult;

/**
 * Bean Validation of params: {@code @Valid} params checked with the application's
 * {@link Validator}, and the failures of {@code @Validated} proxies read back, both as
 * {@code field: message} pairs, sorted, joined by {@code "; "}.
 */
final class BeanValidationParams implements RpcParamValidator {

	private final Validator validator;

	BeanValidationParams(Validator validator) {
		this.validator = validator;
	}

	@Override
	public String check(Object param) {
		if (param == null) {
			return null;
		}
		Set<ConstraintViolation<Object>> violations = this.validator.validate(param);
		return violations.isEmpty() ? null : describe(violations, 0);
	}

	@Override
	public String describe(Throwable thrown) {
		if (thrown instanceof ConstraintViolationException violations && !violations.getConstraintViolations().isEmpty()) {
			// A method validation path starts with the method and the parameter: "execute.request.name".
			return describe(violations.getConstraintViolations(), 2);
		}
		if (thrown instanceof MethodValidationException validation && !validation.getParameterValidationResults().isEmpty()) {
			return validation.getParameterValidationResults()
				.stream()
				.flatMap((result) -> result.getResolvableErrors().stream().map((error) -> field(result, error)))
				.sorted()
				.collect(Collectors.joining("; "));
		}
		return null;
	}

	private static String field(ParameterValidationResult result, org.springframework.context.MessageSourceResolvable error) {
		String field = (error instanceof org.springframework.validation.FieldError fieldError) ? fieldError.getField()
				: result.getMethodParameter().getParameterName();
		return field + ": " + error.getDefaultMessage();
	}

	private static String describe(Set<? extends ConstraintViolation<?>> violations, int skip) {
		return violations.stream()
			.map((violation) -> path(violation.getPropertyPath(), skip) + ": " + violation.getMessage())
			.sorted()
			.collect(Collectors.joining("; "));
	}

	/** The property path without its first {@code skip} nodes; the last node when nothing would be left. */
	private static String path(Path path, int skip) {
		StringBuilder text = new StringBuilder();
		String last = "";
		Iterator<Path.Node> nodes = path.iterator();
		for (int i = 0; nodes.hasNext(); i++) {
			Path.Node node = nodes.next();
			last = String.valueOf(node.getName());
			if (i >= skip && node.getName() != null) {
				text.append(text.isEmpty() ? "" : ".").append(node.getName());
			}
		}
		return text.isEmpty() ? last : text.toString();
	}

}
