/**
 * Test support: {@link io.hellorpc.jsonrpc.test.LocalRpcPort @LocalRpcPort} injects the port the
 * listener bound, {@link io.hellorpc.jsonrpc.test.AutoConfigureRpcTemplate @AutoConfigureRpcTemplate}
 * starts it on port 0 in a {@code @SpringBootTest} and gives an {@code RpcTemplate} bean that
 * calls it, and {@link io.hellorpc.jsonrpc.test.MockRpcServer} is an {@code RpcOperations} of
 * expected calls and their answers, for unit tests of calling code without a socket. The
 * annotation needs {@code spring-boot-test} (an optional dependency; {@code spring-boot-starter-test}
 * has it).
 */
package io.hellorpc.jsonrpc.test;
