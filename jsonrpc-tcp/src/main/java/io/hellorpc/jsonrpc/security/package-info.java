/**
 * Spring Security for RPC calls, when it is on the class path: each call runs with a
 * {@code SecurityContext} made from its connection (the TLS client certificate's CN, as
 * {@code x509()} reads it, through a {@code UserDetailsService} when there is one; anonymous
 * without a certificate), so that method security ({@code @PreAuthorize}, {@code @Secured},
 * {@code @RolesAllowed}) works on endpoint methods, and {@link io.hellorpc.jsonrpc.security.RpcSecurityRules}
 * authorize whole services and methods. Users implement {@link io.hellorpc.jsonrpc.security.RpcAuthenticationConverter}
 * for other credentials; the rest is machinery.
 */
package io.hellorpc.jsonrpc.security;
