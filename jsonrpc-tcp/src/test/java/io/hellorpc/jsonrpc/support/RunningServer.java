package io.hellorpc.jsonrpc.support;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** A real application context serving {@link TestServices} on 127.0.0.1 and a free port. */
public final class RunningServer implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private RunningServer(ConfigurableApplicationContext context) {
		this.context = context;
	}

	public static RunningServer start(String... properties) {
		return startWith(new Class<?>[0], properties);
	}

	/** As {@link #start(String...)}, with more configuration (a customizer, say) beside {@link TestServices}. */
	public static RunningServer startWith(Class<?>[] configurations, String... properties) {
		List<String> all = new ArrayList<>(List.of("rpc.server.host=127.0.0.1", "rpc.server.port=0"));
		all.addAll(List.of(properties));
		List<Class<?>> sources = new ArrayList<>(List.of(TestServices.class));
		sources.addAll(List.of(configurations));
		return new RunningServer(new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.properties(all.toArray(String[]::new))
			.run());
	}

	/** As {@link #start(String...)}, with the beans of {@code configuration} too (customizers, say). */
	public static RunningServer start(Class<?> configuration, String... properties) {
		return startWith(new Class<?>[] { configuration }, properties);
	}

	public int port() {
		return this.context.getEnvironment().getRequiredProperty("local.rpc.port", Integer.class);
	}

	public RawConnection connect() {
		return new RawConnection(port());
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
