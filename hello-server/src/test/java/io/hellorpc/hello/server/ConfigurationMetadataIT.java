package io.hellorpc.hello.server;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.hellorpc.jsonrpc.client.RpcClientProperties;
import io.hellorpc.jsonrpc.server.RpcServerProperties;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.bind.DefaultValue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an IDE sees: the configuration metadata inside the library jar as {@code hello-server.jar}
 * ships it, listing every {@code rpc.*} property the code binds, each with a description, and
 * with its default where the code has one.
 */
class ConfigurationMetadataIT {

	private static final Path SERVER_JAR = Path.of("target", "hello-server.jar");

	private static final Path README = Path.of("..", "README.md");

	/** A row of the README's property tables: {@code | `rpc.x.y` | `default` | meaning |} (the default may be empty). */
	private static final Pattern README_ROW = Pattern.compile("(?m)^\\| `(rpc\\.(?:server|client)\\.[a-z.-]+)` \\| (?:`([^`]*)`)? *\\|");

	@Test
	void theLibraryJarDescribesEveryRpcPropertyWithItsDefault() throws IOException {
		Map<String, JsonNode> described = new HashMap<>();
		for (JsonNode property : JsonMapper.builder().build().readTree(metadataOfTheLibraryJar()).get("properties")) {
			described.put(property.get("name").asString(), property);
		}
		Map<String, String> bound = boundProperties();

		assertThat(described.keySet().stream().filter((name) -> name.startsWith("rpc."))).containsExactlyInAnyOrderElementsOf(bound.keySet());
		bound.forEach((name, defaultValue) -> {
			JsonNode property = described.get(name);
			assertThat(property.path("description").asString()).as("description of " + name).hasSizeGreaterThan(10);
			if (defaultValue != null) {
				assertThat(property.path("defaultValue").asString()).as("default of " + name).isEqualToIgnoringCase(defaultValue);
			}
		});
	}

	@Test
	void theReadmeTablesListEveryRpcPropertyWithTheDefaultTheCodeBinds() throws IOException {
		Map<String, String> bound = boundProperties();
		Map<String, String> documented = new LinkedHashMap<>();
		Matcher row = README_ROW.matcher(Files.readString(README));
		while (row.find()) {
			assertThat(documented.put(row.group(1), row.group(2))).as("README rows for " + row.group(1)).isNull();
		}

		assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(bound.keySet());
		bound.forEach((name, defaultValue) -> assertThat(documented.get(name)).as("README's default of " + name)
			.isEqualToIgnoringCase(defaultValue));
	}

	/** Every {@code rpc.*} property the code binds, with the default it binds when unset ({@code null}: none). */
	private static Map<String, String> boundProperties() {
		Map<String, String> bound = new LinkedHashMap<>();
		bound.put("rpc.server.enabled", "true");
		collect("rpc.server", RpcServerProperties.class, bound);
		collect("rpc.client", RpcClientProperties.class, bound);
		return bound;
	}

	/** Every leaf property of a properties record, kebab-cased, with its {@code @DefaultValue} if any. */
	private static void collect(String prefix, Class<?> type, Map<String, String> into) {
		RecordComponent[] components = type.getRecordComponents();
		Parameter[] parameters;
		try {
			parameters = type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType).toArray(Class[]::new))
				.getParameters();
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
		for (int i = 0; i < components.length; i++) {
			RecordComponent component = components[i];
			String name = prefix + "." + component.getName().replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
			if (component.getType().isRecord()) {
				collect(name, component.getType(), into);
				continue;
			}
			DefaultValue defaultValue = parameters[i].getAnnotation(DefaultValue.class);
			into.put(name, (defaultValue != null && defaultValue.value().length > 0) ? defaultValue.value()[0] : null);
		}
	}

	private static byte[] metadataOfTheLibraryJar() throws IOException {
		try (JarFile server = new JarFile(SERVER_JAR.toFile())) {
			JarEntry library = server.stream()
				.filter((entry) -> entry.getName().matches("BOOT-INF/lib/jsonrpc-tcp-.*\\.jar"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no jsonrpc-tcp jar in " + SERVER_JAR));
			try (InputStream in = server.getInputStream(library); JarInputStream nested = new JarInputStream(in)) {
				for (JarEntry entry = nested.getNextJarEntry(); entry != null; entry = nested.getNextJarEntry()) {
					if (entry.getName().equals("META-INF/spring-configuration-metadata.json")) {
						return nested.readAllBytes();
					}
				}
			}
		}
		throw new AssertionError("no META-INF/spring-configuration-metadata.json in the jsonrpc-tcp jar");
	}

}
