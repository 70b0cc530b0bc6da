package io.hellorpc.jsonrpc.client;

import java.time.Duration;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import jdk.net.ExtendedSocketOptions;

/**
 * The sockets a template opens: no Nagle delay, a connect timeout, and TCP keepalive with short
 * timers, so that a server gone silent (no FIN, no RST: a partition, a pulled cable) is dropped
 * by the OS rather than kept forever. The timers are set where the OS supports them (Linux, macOS).
 */
final class ClientSockets {

	private static final boolean KEEP_ALIVE_TIMERS = keepAliveTimersSupported();

	private ClientSockets() {
	}

	static Bootstrap bootstrap(Duration connectTimeout, Duration keepAliveIdle, Duration keepAliveInterval,
			int keepAliveCount) {
		Bootstrap bootstrap = new Bootstrap().channel(NioSocketChannel.class)
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.option(ChannelOption.SO_KEEPALIVE, true);
		if (KEEP_ALIVE_TIMERS) {
			bootstrap.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), seconds(keepAliveIdle))
				.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), seconds(keepAliveInterval))
				.option(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), keepAliveCount);
		}
		return bootstrap;
	}

	private static boolean keepAliveTimersSupported() {
		try (java.nio.channels.SocketChannel probe = java.nio.channels.SocketChannel.open()) {
			return probe.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE);
		}
		catch (java.io.IOException | LinkageError ex) {
			return false;
		}
	}

	/** The timers count whole seconds: at least one. */
	private static int seconds(Duration duration) {
		return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
	}

}
