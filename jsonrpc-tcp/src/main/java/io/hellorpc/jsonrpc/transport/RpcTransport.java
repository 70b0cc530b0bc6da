package io.hellorpc.jsonrpc.transport;

/**
 * Which of Netty's transports carries the connections ({@code rpc.server.transport},
 * {@code rpc.client.transport}).
 * <p>
 * {@link #AUTO} takes epoll where its native jar and the kernel have it (Linux), else NIO; the
 * choice is logged at start-up. An explicit native transport that is not available fails the start
 * with the reason, rather than running on another one silently.
 */
public enum RpcTransport {

	/** epoll where available, else NIO. */
	AUTO,

	/** The JDK's NIO selector: everywhere. */
	NIO,

	/** Linux epoll ({@code netty-transport-native-epoll} with the platform's classifier). */
	EPOLL,

	/**
	 * Linux io_uring ({@code netty-transport-native-io_uring}, kernel 5.14 or newer, and not refused
	 * by the container's seccomp profile): opt-in.
	 */
	IO_URING

}
