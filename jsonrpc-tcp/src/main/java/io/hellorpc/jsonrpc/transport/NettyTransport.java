package io.hellorpc.jsonrpc.transport;

import java.time.Duration;
import java.util.function.Supplier;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import jdk.net.ExtendedSocketOptions;

import org.springframework.util.ClassUtils;

/**
 * The Netty classes of one {@link RpcTransport}: the event loops' I/O handler, the channel types
 * and the TCP keepalive timers' options. Machinery shared by the server and the client, not API.
 * <p>
 * The native transports' classes are touched only inside their own holders, so that a class path
 * without their jars never loads them.
 */
public final class NettyTransport {

	private static final String EPOLL_CLASS = "io.netty.channel.epoll.Epoll";

	private static final String IO_URING_CLASS = "io.netty.channel.uring.IoUring";

	private static final java.util.regex.Pattern NATIVE_ERROR = java.util.regex.Pattern
		.compile("\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: (.*)", java.util.regex.Pattern.DOTALL);

	private final RpcTransport kind;

	private final Supplier<IoHandlerFactory> ioHandlers;

	private final Class<? extends ServerChannel> serverChannel;

	private final Class<? extends Channel> socketChannel;

	private final KeepAliveTimers keepAliveTimers;

	private NettyTransport(RpcTransport kind, Supplier<IoHandlerFactory> ioHandlers,
			Class<? extends ServerChannel> serverChannel, Class<? extends Channel> socketChannel,
			KeepAliveTimers keepAliveTimers) {
		this.kind = kind;
		this.ioHandlers = ioHandlers;
		this.serverChannel = serverChannel;
		this.socketChannel = socketChannel;
		this.keepAliveTimers = keepAliveTimers;
	}

	/**
	 * The transport asked for: {@link RpcTransport#AUTO} is epoll where available, else NIO.
	 * @throws IllegalStateException when a native transport is asked for and not available, with
	 * the reason
	 */
	public static NettyTransport select(RpcTransport requested) {
		return switch (requested) {
			case NIO -> Nio.TRANSPORT;
			case AUTO -> (unavailability(RpcTransport.EPOLL) == null) ? EpollHolder.TRANSPORT : Nio.TRANSPORT;
			case EPOLL, IO_URING -> {
				String why = unavailability(requested);
				if (why != null) {
					throw new IllegalStateException("Transport " + name(requested) + " is not available: " + why);
				}
				yield (requested == RpcTransport.EPOLL) ? EpollHolder.TRANSPORT : IoUringHolder.TRANSPORT;
			}
		};
	}

	/** Why a native transport cannot run here, or {@code null} when it can. */
	static String unavailability(RpcTransport transport) {
		String type = (transport == RpcTransport.EPOLL) ? EPOLL_CLASS : IO_URING_CLASS;
		if (!ClassUtils.isPresent(type, NettyTransport.class.getClassLoader())) {
			return "its jar (" + ((transport == RpcTransport.EPOLL) ? "netty-transport-native-epoll"
					: "netty-transport-native-io_uring") + ") is not on the class path";
		}
		Throwable cause = (transport == RpcTransport.EPOLL) ? EpollHolder.unavailabilityCause()
				: IoUringHolder.unavailabilityCause();
		return (cause != null) ? String.valueOf(cause.getMessage()) : null;
	}

	/**
	 * An I/O failure's message as the JDK words it on every transport: the native transports'
	 * {@code finishConnect(..) failed with error(-111): Connection refused} is {@code Connection
	 * refused}, and {@code Connection reset by peer} is {@code Connection reset}.
	 */
	public static String errorText(String message) {
		if (message == null) {
			return null;
		}
		java.util.regex.Matcher syscall = NATIVE_ERROR.matcher(message);
		String text = syscall.matches() ? syscall.group(1) : message;
		return text.equals("Connection reset by peer") ? "Connection reset" : text;
	}

	/** The transport's name as its property value is written: {@code nio}, {@code epoll}, {@code io-uring}. */
	public static String name(RpcTransport transport) {
		return transport.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
	}

	public RpcTransport kind() {
		return this.kind;
	}

	public String name() {
		return name(this.kind);
	}

	public IoHandlerFactory ioHandlerFactory() {
		return this.ioHandlers.get();
	}

	public Class<? extends ServerChannel> serverChannel() {
		return this.serverChannel;
	}

	public Class<? extends Channel> socketChannel() {
		return this.socketChannel;
	}

	/** Sets the keepalive timers (whole seconds, at least one) where the transport can. */
	public void keepAliveTimers(AbstractBootstrap<?, ?> bootstrap, Duration idle, Duration interval, int count) {
		this.keepAliveTimers.apply(bootstrap, seconds(idle), seconds(interval), count);
	}

	private static int seconds(Duration duration) {
		return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
	}

	@FunctionalInterface
	private interface KeepAliveTimers {

		void apply(AbstractBootstrap<?, ?> bootstrap, int idle, int interval, int count);

	}

	private static final class Nio {

		static final NettyTransport TRANSPORT = new NettyTransport(RpcTransport.NIO, NioIoHandler::newFactory,
				NioServerSocketChannel.class, NioSocketChannel.class, nioKeepAliveTimers());

	}

	/** The JDK's extended socket options, where the OS has them (Linux, macOS): else no timers. */
	private static KeepAliveTimers nioKeepAliveTimers() {
		try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open()) {
			if (!probe.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
				return (bootstrap, idle, interval, count) -> {
				};
			}
		}
		catch (java.io.IOException | LinkageError ex) {
			return (bootstrap, idle, interval, count) -> {
			};
		}
		return (bootstrap, idle, interval, count) -> bootstrap
			.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idle)
			.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), interval)
			.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), count);
	}

	private static final class EpollHolder {

		static final NettyTransport TRANSPORT = new NettyTransport(RpcTransport.EPOLL,
				io.netty.channel.epoll.EpollIoHandler::newFactory, io.netty.channel.epoll.EpollServerSocketChannel.class,
				io.netty.channel.epoll.EpollSocketChannel.class, (bootstrap, idle, interval, count) -> bootstrap
					.option(io.netty.channel.epoll.EpollChannelOption.TCP_KEEPIDLE, idle)
					.option(io.netty.channel.epoll.EpollChannelOption.TCP_KEEPINTVL, interval)
					.option(io.netty.channel.epoll.EpollChannelOption.TCP_KEEPCNT, count));

		static Throwable unavailabilityCause() {
			return io.netty.channel.epoll.Epoll.unavailabilityCause();
		}

	}

	private static final class IoUringHolder {

		static final NettyTransport TRANSPORT = new NettyTransport(RpcTransport.IO_URING,
				io.netty.channel.uring.IoUringIoHandler::newFactory, io.netty.channel.uring.IoUringServerSocketChannel.class,
				io.netty.channel.uring.IoUringSocketChannel.class, (bootstrap, idle, interval, count) -> bootstrap
					.option(io.netty.channel.uring.IoUringChannelOption.TCP_KEEPIDLE, idle)
					.option(io.netty.channel.uring.IoUringChannelOption.TCP_KEEPINTVL, interval)
					.option(io.netty.channel.uring.IoUringChannelOption.TCP_KEEPCNT, count));

		static Throwable unavailabilityCause() {
			return io.netty.channel.uring.IoUring.unavailabilityCause();
		}

	}

}
