/**
 * Netty's transports (NIO, epoll, io_uring) for the server and the client, chosen at run time.
 */
package io.hellorpc.jsonrpc.transport;
