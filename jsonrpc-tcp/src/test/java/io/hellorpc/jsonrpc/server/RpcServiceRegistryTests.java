package io.hellorpc.jsonrpc.server;

import java.util.LinkedHashMap;
import java.util.Map;

import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class RpcServiceRegistryTests {

	private final JsonRpcCodec codec = new JsonRpcCodec(GoJson.mapper());

	@RpcEndpoint
	static class Handler {

		public String execute(String name) {
			return name;
		}

		public void ignoredNoResult(String name) {
		}

		public String ignoredTwoParams(String a, String b) {
			return a;
		}

		public static String ignoredStatic(String a) {
			return a;
		}

		String ignoredNotPublic(String a) {
			return a;
		}

	}

	@RpcEndpoint(name = "Greeter")
	static class Named {

		public String hello(String name) {
			return name;
		}

	}

	@RpcEndpoint
	static class Overloaded {

		public String execute(String name) {
			return name;
		}

		public String execute(Integer number) {
			return "";
		}

	}

	@RpcEndpoint
	static class Useless {

		public void run(String name) {
		}

	}

	@Test
	void serviceIsNamedForTheClassAndMethodsForTheirJavaNameCapitalised() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("handler", new Handler()), this.codec);
		assertThat(registry.methods()).extracting(RpcMethod::fullName).containsExactly("Handler.Execute");
		assertThat(registry.lookup("Handler.Execute").method().getName()).isEqualTo("execute");
	}

	@Test
	void annotationNameReplacesTheClassNameAsGoRegisterNameDoes() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("named", new Named()), this.codec);
		assertThat(registry.lookup("Greeter.Hello").service()).isEqualTo("Greeter");
	}

	@Test
	void unknownNamesGetGoErrorTexts() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("handler", new Handler()), this.codec);
		assertThatExceptionOfType(UnknownMethodException.class).isThrownBy(() -> registry.lookup("Nope.Execute"))
			.withMessage("rpc: can't find service Nope.Execute");
		assertThatExceptionOfType(UnknownMethodException.class).isThrownBy(() -> registry.lookup("Handler.Nope"))
			.withMessage("rpc: can't find method Handler.Nope");
		assertThatExceptionOfType(UnknownMethodException.class).isThrownBy(() -> registry.lookup("HandlerExecute"))
			.withMessage("rpc: service/method request ill-formed: HandlerExecute");
		assertThatExceptionOfType(UnknownMethodException.class).isThrownBy(() -> registry.lookup(null))
			.withMessage("rpc: service/method request ill-formed: ");
	}

	@Test
	void twoBeansWithOneServiceNameFailNamingBoth() {
		Map<String, Object> beans = new LinkedHashMap<>();
		beans.put("first", new Handler());
		beans.put("second", new Handler());
		assertThatIllegalStateException().isThrownBy(() -> RpcServiceRegistry.of(beans, this.codec))
			.withMessage("RPC service name 'Handler' is used by two @RpcEndpoint beans, 'first' and 'second': "
					+ "set a distinct name with @RpcEndpoint(name = ...)");
	}

	@Test
	void twoMethodsWithOneWireNameFailNamingBeanAndMethods() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("overloaded", new Overloaded()), this.codec))
			.withMessageStartingWith("@RpcEndpoint bean 'overloaded' has two methods called Overloaded.Execute: execute(")
			.withMessageEndingWith("; rename one of them");
	}

	@Test
	void endpointWithNoCallableMethodFailsNamingTheBean() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("useless", new Useless()), this.codec))
			.withMessage("@RpcEndpoint bean 'useless' (" + Useless.class.getName()
					+ ") has no method an RPC can call: it needs a public method with one parameter and a return value");
	}

}
