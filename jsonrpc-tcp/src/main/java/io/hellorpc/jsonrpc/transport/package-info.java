/**
 * Netty's transports (NIO, epoll, io_uring) and TLS providers (the JDK's, OpenSSL) for the server
 * and the client, chosen at run time.
 */
package io.hellorpc.jsonrpc.transport;
