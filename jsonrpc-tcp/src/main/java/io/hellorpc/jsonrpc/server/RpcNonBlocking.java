package io.hellorpc.jsonrpc.server;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a method never blocks (no I/O, no lock held long, no sleep): with
 * {@code rpc.server.call-threads=auto}, the default, the server runs its calls in place on the
 * connection's event loop, without the hand-off to the call executor, as {@code call-threads=event-loop}
 * does for every method ({@code call-threads=task-executor} ignores the mark). On an
 * {@link RpcEndpoint} class it covers all of that class's methods.
 * <p>
 * {@link RpcCallInterceptor}s run on the same thread as the method, so a call runs in place only
 * when no interceptor {@linkplain RpcCallInterceptor#mayBlock() may block} (Spring Security's may
 * when the application has a {@code UserDetailsService} or an {@code RpcAuthenticationConverter});
 * otherwise it goes to the call executor as an unmarked method's does (a {@code UserDetailsService}
 * turns in-place calls off for every method, though it is asked only on a connection's first call).
 * What else runs with the call runs on the event loop too and must not block either: parameter
 * validation, exception handlers, observation handlers, method security's checks and an
 * {@code AuthorizationManager} given to the RPC security rules. A marked
 * method that blocks after all holds up every connection of its event loop, and a server-side
 * {@code call-timeout} cannot interrupt it.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RpcNonBlocking {

}
