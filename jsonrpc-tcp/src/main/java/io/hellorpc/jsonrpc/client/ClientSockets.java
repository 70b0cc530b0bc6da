package io.hellorpc.jsonrpc.client;

import java.time.Duration;

import io.hellorpc.jsonrpc.transport.NettyTransport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;

/**
 * The sockets a template opens: no Nagle delay, a connect timeout, and TCP keepalive with short
 * timers, so that a server gone silent (no FIN, no RST: a partition, a pulled cable) is dropped
 * by the OS rather than kept forever. The timers are set where the OS supports them (Linux, macOS).
 */
final class ClientSockets {

	private ClientSockets() {
	}

	static Bootstrap bootstrap(NettyTransport transport, Duration connectTimeout, Duration keepAliveIdle,
			Duration keepAliveInterval, int keepAliveCount) {
		Bootstrap bootstrap = new Bootstrap().channel(transport.socketChannel())
			.option(ChannelOption.TCP_NODELAY, true)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
			.option(ChannelOption.SO_KEEPALIVE, true);
		transport.keepAliveTimers(bootstrap, keepAliveIdle, keepAliveInterval, keepAliveCount);
		return bootstrap;
	}

}
