package io.hellorpc.jsonrpc.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.hellorpc.jsonrpc.support.RawConnection;
import io.hellorpc.jsonrpc.support.TestServices;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import org.junit.jupiter.api.Test;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The hooks an application has into the listener, and what happens when it brings its own Executor. */
class RpcServerCustomizationTests {

	private static ConfigurableApplicationContext start(Class<?> extra) {
		return new SpringApplicationBuilder(TestServices.class, extra).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.properties("rpc.server.host=127.0.0.1", "rpc.server.port=0")
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.rpc.port", Integer.class);
	}

	/** Records what a customizer sees of each connection. */
	static final class Seen extends ChannelInboundHandlerAdapter {

		final List<String> events = new CopyOnWriteArrayList<>();

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object message) {
			this.events.add("read, keep-alive " + ctx.channel().config().getOption(ChannelOption.SO_KEEPALIVE)
					+ ", before " + ctx.pipeline().names().subList(ctx.pipeline().names().indexOf("seen") + 1,
							ctx.pipeline().names().indexOf("seen") + 2));
			ctx.fireChannelRead(message);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customized {

		@Bean
		Seen seen() {
			return new Seen();
		}

		@Bean
		RpcServerCustomizer keepAliveAndWatch(Seen seen) {
			return new RpcServerCustomizer() {
				@Override
				public void customize(ServerBootstrap bootstrap) {
					bootstrap.childOption(ChannelOption.SO_KEEPALIVE, true);
				}

				@Override
				public void customize(SocketChannel connection) {
					connection.pipeline().addBefore("framing", "seen", new SeenRelay(seen));
				}
			};
		}

	}

	/** A handler per connection that reports to the shared {@link Seen}. */
	static final class SeenRelay extends ChannelInboundHandlerAdapter {

		private final Seen seen;

		SeenRelay(Seen seen) {
			this.seen = seen;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object message) {
			this.seen.channelRead(ctx, message);
		}

	}

	@Test
	void customizersSetSocketOptionsAndAddHandlersToEachConnection() {
		try (ConfigurableApplicationContext context = start(Customized.class);
				RawConnection connection = new RawConnection(port(context))) {
			connection.send("{\"method\":\"Handler.Execute\",\"params\":[{\"Name\":\"ciro\"}],\"id\":1}\n");
			assertThat(connection.readLine()).contains("Hello ciro");
			assertThat(context.getBean(Seen.class).events).containsExactly("read, keep-alive true, before [framing]");
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnExecutor {

		@Bean(destroyMethod = "shutdown")
		ExecutorService applicationsOwnExecutor() {
			return Executors.newSingleThreadExecutor();
		}

	}

	@Test
	void withAnExecutorOfItsOwnTheApplicationGetsAServerPoolThatStopsWithTheServer() {
		try (ConfigurableApplicationContext context = start(OwnExecutor.class);
				RawConnection connection = new RawConnection(port(context))) {
			assertThat(context.getBeansOfType(Executor.class)).containsOnlyKeys("applicationsOwnExecutor");
			connection.send("{\"method\":\"Handler.Thread\",\"params\":[\"\"],\"id\":1}\n");
			assertThat(connection.readLine()).containsPattern("\"result\":\"Thread\\[(#\\d+,)?rpc-call-");
		}
		// The pool's threads end with the server (it never waits for them: they are daemon threads).
		await().until(() -> Thread.getAllStackTraces().keySet().stream().noneMatch((thread) -> thread.getName().startsWith("rpc-call-")));
	}

}
