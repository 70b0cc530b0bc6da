package io.hellorpc.jsonrpc.security;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

import io.hellorpc.jsonrpc.protocol.RpcError;
import io.hellorpc.jsonrpc.protocol.RpcErrors;
import io.hellorpc.jsonrpc.server.RpcApplicationException;
import io.hellorpc.jsonrpc.server.RpcCallInterceptor;
import io.hellorpc.jsonrpc.server.RpcServerCall;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.Ordered;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.InternalAuthenticationServiceException;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolderStrategy;

/**
 * Runs each call with its caller's {@code SecurityContext}, set on the thread that invokes the
 * method and cleared on that thread once the method has returned, whatever happened: a pooled
 * thread never carries one caller's context into the next call (spring-grpc's
 * GHSA-4g9c-3x4p-mfpp). The rules are checked first; a refusal, theirs or method security's, is
 * answered as Spring Security's {@code ExceptionTranslationFilter} tells them apart: an anonymous
 * caller (or credentials not accepted) needs authentication (-32010), a known one is denied (-32011).
 */
final class SecurityContextInterceptor implements RpcCallInterceptor, Ordered {

	/** Outermost but for interceptors ordered before it: others run with the caller's context, after the rules. */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

	@Override
	public int getOrder() {
		return ORDER;
	}


	private static final Log logger = LogFactory.getLog(SecurityContextInterceptor.class);

	private final CallerAuthentication callers;

	/** {@code null}: no rules. */
	private final RpcSecurityRules rules;

	private final SecurityContextHolderStrategy holder;

	private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

	SecurityContextInterceptor(CallerAuthentication callers, RpcSecurityRules rules, SecurityContextHolderStrategy holder) {
		this.callers = callers;
		this.rules = rules;
		this.holder = holder;
	}

	/** Only a user store or the application's converter may block; a certificate alone is read in place. */
	@Override
	public boolean mayBlock() {
		return this.callers.mayBlock();
	}

	@Override
	public CompletableFuture<Object> intercept(RpcServerCall call, Supplier<CompletableFuture<Object>> next) {
		Authentication authentication;
		try {
			authentication = this.callers.of(call);
		}
		catch (InternalAuthenticationServiceException ex) {
			// The user store failed, not the caller: an internal error (named in the log only), asked again next call.
			logger.warn("Cannot tell who calls " + call.method().fullName() + " from " + CallerAuthentication.remoteAddress(call)
					+ ": " + ex.getMessage(), ex);
			return CompletableFuture.failedFuture(new RpcApplicationException(RpcError.INTERNAL_ERROR,
					RpcErrors.failedInternally(call.method().fullName())));
		}
		catch (AuthenticationException ex) {
			return CompletableFuture.failedFuture(refusal(call, null, ex));
		}
		SecurityContext context = this.holder.createEmptyContext();
		context.setAuthentication(authentication);
		this.holder.setContext(context);
		try {
			if (this.rules != null) {
				this.rules.check(() -> authentication, call.method());
			}
			CompletableFuture<Object> invoked = next.get();
			CompletableFuture<Object> answered = new CompletableFuture<>();
			// Method security refuses before the method runs, and the invocation hands that over as a failed future.
			invoked.whenComplete((result, failure) -> {
				if (failure == null) {
					answered.complete(result);
				}
				else {
					answered.completeExceptionally(translated(call, authentication, failure));
				}
			});
			return answered;
		}
		catch (AccessDeniedException | AuthenticationException ex) {
			return CompletableFuture.failedFuture(refusal(call, authentication, ex));
		}
		finally {
			this.holder.clearContext();
		}
	}

	private Throwable translated(RpcServerCall call, Authentication authentication, Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof AccessDeniedException || cause instanceof AuthenticationException) {
			return refusal(call, authentication, (RuntimeException) cause);
		}
		return cause;
	}

	/** @param authentication the caller's, {@code null} when its credentials were not accepted */
	private RpcAccessException refusal(RpcServerCall call, Authentication authentication, RuntimeException reason) {
		String method = call.method().wireName();
		boolean unauthenticated = authentication == null || reason instanceof AuthenticationException
				|| this.trust.isAnonymous(authentication);
		if (logger.isDebugEnabled()) {
			String who = (authentication != null) ? authentication.getName() + " "
					+ AuthorityUtils.authorityListToSet(authentication.getAuthorities()) : "a caller whose credentials were not accepted";
			logger.debug((unauthenticated ? "Authentication required: " : "Access denied: ") + who + " from "
					+ CallerAuthentication.remoteAddress(call) + " may not call " + method + " (" + reason.getMessage() + ")");
		}
		return unauthenticated
				? new RpcAccessException(RpcError.UNAUTHENTICATED, RpcErrors.authenticationRequired(method), reason)
				: new RpcAccessException(RpcError.ACCESS_DENIED, RpcErrors.accessDenied(method), reason);
	}

}
