package io.hellorpc.jsonrpc.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.hellorpc.jsonrpc.autoconfigure.RpcServicesEndpoint;
import io.hellorpc.jsonrpc.autoconfigure.RpcServicesEndpoint.MethodDescriptor;
import io.hellorpc.jsonrpc.autoconfigure.RpcServicesEndpoint.ParamDescriptor;
import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import io.hellorpc.jsonrpc.protocol.RpcProtocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** How {@link RpcMapping} methods are registered: their names, shapes and what start-up refuses. */
class RpcMappingRegistryTests {

	private final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	@RpcEndpoint
	static class Calc {

		@RpcMapping("subtract")
		public int subtract(int minuend, int subtrahend) {
			return minuend - subtrahend;
		}

		@RpcMapping("Arith.Add")
		public int add(Integer a) {
			return a;
		}

		@RpcMapping
		public void reset() {
		}

		public String execute(String name) {
			return name;
		}

	}

	@RpcEndpoint
	static class OtherCalc {

		@RpcMapping("subtract")
		public long minus(long a, long b) {
			return a - b;
		}

	}

	@RpcEndpoint
	static class Twice {

		@RpcMapping("Twice.Execute")
		public String run(String name) {
			return name;
		}

		public String execute(String name) {
			return name;
		}

	}

	@RpcEndpoint
	static class Reserved {

		@RpcMapping("rpc.discover")
		public String discover() {
			return "";
		}

	}

	@Test
	void aMappedMethodIsPublishedByItsNameWhateverItsShape() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("calc", new Calc()), this.codec);
		assertThat(registry.methods()).extracting(RpcMethod::fullName)
			.containsExactlyInAnyOrder("subtract", "Arith.Add", "Calc.Reset", "Calc.Execute");
		RpcMethod subtract = registry.lookup("subtract", RpcProtocol.JSON_RPC_2);
		assertThat(subtract.service()).isEqualTo("Calc");
		assertThat(subtract.name()).isEqualTo("subtract");
		assertThat(subtract.params()).extracting(RpcMethod.Param::name).containsExactly("minuend", "subtrahend");
		assertThat(subtract.goCallable()).isFalse();
		RpcMethod add = registry.lookup("Arith.Add");
		assertThat(add.service()).isEqualTo("Arith");
		assertThat(add.name()).isEqualTo("Add");
		assertThat(add.goCallable()).isTrue();
		assertThat(registry.lookup("Calc.Reset", RpcProtocol.JSON_RPC_2).returnsVoid()).isTrue();
	}

	@Test
	void gosDialectReachesOnlyGoShapedMethodsWithGosTexts() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("calc", new Calc()), this.codec);
		assertThatExceptionOfType(UnknownMethodException.class).isThrownBy(() -> registry.lookup("subtract"))
			.withMessage("rpc: service/method request ill-formed: subtract");
		assertThatExceptionOfType(UnknownMethodException.class).isThrownBy(() -> registry.lookup("Calc.Reset"))
			.withMessage("rpc: can't find method Calc.Reset");
		assertThat(registry.lookup("Calc.Execute").method().getName()).isEqualTo("execute");
		assertThatExceptionOfType(UnknownMethodException.class)
			.isThrownBy(() -> registry.lookup("foobar", RpcProtocol.JSON_RPC_2))
			.withMessage("rpc: can't find method foobar");
	}

	@Test
	void oneWireNameForTwoMethodsOfTwoBeansFailsNamingBoth() {
		Map<String, Object> beans = new LinkedHashMap<>();
		beans.put("calc", new Calc());
		beans.put("otherCalc", new OtherCalc());
		assertThatIllegalStateException().isThrownBy(() -> RpcServiceRegistry.of(beans, this.codec))
			.withMessage("RPC method name 'subtract' is used by two methods, subtract(int, int) of @RpcEndpoint bean 'calc' "
					+ "and minus(long, long) of bean 'otherCalc': method names are global to the server; "
					+ "rename one with @RpcMapping(\"...\")");
	}

	@Test
	void oneWireNameForTwoMethodsOfOneBeanFailsNamingBoth() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("twice", new Twice()), this.codec))
			.withMessageStartingWith("@RpcEndpoint bean 'twice' has two methods called Twice.Execute: ")
			.withMessageContaining("run(String)")
			.withMessageContaining("execute(String)");
	}

	@RpcEndpoint
	static class Hidden {

		public String execute(String name) {
			return name;
		}

		@RpcMapping("hidden")
		String hidden(String name) {
			return name;
		}

	}

	@Test
	void aMappingOnAMethodAnRpcCannotCallIsRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("hidden", new Hidden()), this.codec))
			.withMessage("@RpcEndpoint bean 'hidden' has @RpcMapping on hidden(String), which is not a public instance "
					+ "method: an RPC can call only those");
	}

	@Test
	void aNameBeginningRpcDotIsRefusedAsReserved() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("reserved", new Reserved()), this.codec))
			.withMessage("@RpcEndpoint bean 'reserved' maps discover() to 'rpc.discover': "
					+ "names beginning 'rpc.' are reserved by the JSON-RPC 2.0 specification");
	}

	@Test
	void aMappedMethodCompiledWithoutParameterNamesIsRefused(@TempDir Path dir) throws Exception {
		Path source = dir.resolve("io/hellorpc/jsonrpc/server/Unnamed.java");
		Files.createDirectories(source.getParent());
		Files.writeString(source, """
				package io.hellorpc.jsonrpc.server;
				@RpcEndpoint
				public class Unnamed {
					@RpcMapping("subtract")
					public int subtract(int minuend, int subtrahend) {
						return minuend - subtrahend;
					}
				}
				""");
		JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
		int status = javac.run(null, null, null, "-cp", System.getProperty("java.class.path"), "-d", dir.toString(),
				source.toString());
		assertThat(status).isZero();
		try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] { dir.toUri().toURL() }, getClass().getClassLoader())) {
			Object bean = loader.loadClass("io.hellorpc.jsonrpc.server.Unnamed").getConstructor().newInstance();
			assertThatIllegalStateException().isThrownBy(() -> RpcServiceRegistry.of(Map.of("unnamed", bean), this.codec))
				.withMessage("@RpcEndpoint bean 'unnamed' maps subtract(int, int) to 'subtract', but its parameter names "
						+ "were not compiled in: named params bind by them; compile with -parameters (Spring Boot's parent POM does)");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Test
	void theRpcEndpointShowsWireNamesParamsAndDialects() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("calc", new Calc()), this.codec);
		Map<String, List<MethodDescriptor>> services = new LinkedHashMap<>();
		new RpcServicesEndpoint(registry).services()
			.services()
			.forEach((service) -> services.put(service.name(), service.methods()));
		assertThat(services.get("Calc")).contains(
				new MethodDescriptor("subtract", null, "int", "subtract",
						List.of(new ParamDescriptor("minuend", "int"), new ParamDescriptor("subtrahend", "int")),
						List.of("json-rpc-2")),
				new MethodDescriptor("Reset", null, "void", "Calc.Reset", List.of(), List.of("json-rpc-2")),
				new MethodDescriptor("Execute", "java.lang.String", "java.lang.String", null, null, null));
		assertThat(services.get("Arith")).containsExactly(new MethodDescriptor("Add", "java.lang.Integer", "int", "Arith.Add",
				List.of(new ParamDescriptor("a", "java.lang.Integer")), List.of("go", "json-rpc-2")));
	}

	@RpcEndpoint
	static class StaticMapping {

		public String execute(String name) {
			return name;
		}

		@RpcMapping("now")
		public static String now(String zone) {
			return zone;
		}

	}

	@Test
	void aMappingOnAStaticMethodIsRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("static", new StaticMapping()), this.codec))
			.withMessage("@RpcEndpoint bean 'static' has @RpcMapping on now(String), which is not a public instance "
					+ "method: an RPC can call only those");
	}

	/** A service named "rpc" by @RpcEndpoint, with no @RpcMapping: Go's rule, as before @RpcMapping existed. */
	@RpcEndpoint(name = "rpc")
	static class RpcNamedService {

		public String execute(String name) {
			return name;
		}

	}

	@Test
	void anUnmappedServiceNamedRpcIsPublishedAsBefore() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("rpcNamed", new RpcNamedService()), this.codec);
		assertThat(registry.lookup("rpc.Execute").method().getName()).isEqualTo("execute");
	}

	@RpcEndpoint
	static class SharedTags {

		@RpcMapping("subtract")
		public int subtract(int minuend, int subtrahend) {
			return minuend - subtrahend;
		}

		@RpcMapping("SharedTags.subtract")
		public int minus(int a, int b) {
			return a - b;
		}

	}

	@Test
	void aFlatNameAndAServiceMethodThatWouldShareTheirMetricsTagsAreRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("shared", new SharedTags()), this.codec))
			.withMessageContaining("would share the metrics tags rpc.service=SharedTags, rpc.method=subtract")
			.withMessageContaining("'subtract'")
			.withMessageContaining("'SharedTags.subtract'");
	}

}
