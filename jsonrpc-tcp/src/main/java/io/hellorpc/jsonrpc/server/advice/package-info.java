/**
 * Error advice: {@link io.hellorpc.jsonrpc.server.advice.RpcExceptionHandler @RpcExceptionHandler}
 * methods of {@link io.hellorpc.jsonrpc.server.advice.RpcAdvice @RpcAdvice} beans map what an
 * endpoint method throws to the call's error (code, message, data), as Spring MVC's
 * {@code @ExceptionHandler} methods of a {@code @ControllerAdvice} map it to a response.
 * {@link io.hellorpc.jsonrpc.server.advice.RpcExceptionHandlers} holds them all, ordered; how one
 * handler is found and called is package-private.
 */
package io.hellorpc.jsonrpc.server.advice;
