package io.hellorpc.jsonrpc.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import io.hellorpc.jsonrpc.protocol.GoJson;
import io.hellorpc.jsonrpc.protocol.JsonRpcCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

@ExtendWith(OutputCaptureExtension.class)
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

	/** An endpoint that is also a value and a function: only its own method is its service's. */
	@RpcEndpoint
	static class Busy implements Comparable<Busy>, Function<String, String>, Callable<String> {

		public String execute(String name) {
			return name;
		}

		@Override
		public boolean equals(Object other) {
			return other == this;
		}

		@Override
		public int hashCode() {
			return 1;
		}

		@Override
		public int compareTo(Busy other) {
			return 0;
		}

		@Override
		public String apply(String text) {
			return text;
		}

		@Override
		public String call() {
			return "";
		}

	}

	abstract static class Base<T> {

		public abstract String handle(T item);

	}

	@RpcEndpoint
	static class Generic extends Base<String> {

		@Override
		public String handle(String item) {
			return item;
		}

	}

	@RpcEndpoint
	static class Jobs implements UnaryOperator<String> {

		@RpcName("Run")
		public String execute(String job) {
			return job;
		}

		@RpcIgnore
		public String internal(String job) {
			return job;
		}

		@RpcName("Apply")
		@Override
		public String apply(String job) {
			return job;
		}

	}

	@Test
	void whatObjectAndTheJdksInterfacesDeclareIsNotExportedEvenWhenTheBeanImplementsIt() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("busy", new Busy()), this.codec);
		assertThat(registry.methods()).extracting(RpcMethod::fullName).containsExactly("Busy.Execute");
		for (String left : new String[] { "Busy.Equals", "Busy.CompareTo", "Busy.Apply" }) {
			assertThatExceptionOfType(UnknownMethodException.class).isThrownBy(() -> registry.lookup(left))
				.withMessage("rpc: can't find method " + left);
		}
		assertThat(RpcServiceRegistry.callableMethods(Busy.class)).extracting(java.lang.reflect.Method::getName)
			.containsExactly("execute");
	}

	@Test
	void aBridgeMethodIsNotExportedBesideTheMethodItBridges() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("generic", new Generic()), this.codec);
		assertThat(registry.methods()).singleElement().satisfies((method) -> {
			assertThat(method.fullName()).isEqualTo("Generic.Handle");
			assertThat(method.method().isBridge()).isFalse();
		});
	}

	@Test
	void rpcNameRenamesAMethodAndPublishesAJdkDeclaredOneAndRpcIgnoreLeavesOneOut() {
		RpcServiceRegistry registry = RpcServiceRegistry.of(Map.of("jobs", new Jobs()), this.codec);
		assertThat(registry.methods()).extracting(RpcMethod::fullName).containsExactlyInAnyOrder("Jobs.Run", "Jobs.Apply");
		assertThat(registry.lookup("Jobs.Run").method().getName()).isEqualTo("execute");
		assertThat(registry.lookup("Jobs.Run").goCallable()).isTrue();
		assertThatExceptionOfType(UnknownMethodException.class).isThrownBy(() -> registry.lookup("Jobs.Execute"));
		assertThatExceptionOfType(UnknownMethodException.class).isThrownBy(() -> registry.lookup("Jobs.Internal"));
	}

	@Test
	void startUpListsWhatEachServiceExportsAtDebug(CapturedOutput output) {
		LoggingSystem logging = LoggingSystem.get(getClass().getClassLoader());
		logging.setLogLevel(RpcServiceRegistry.class.getName(), LogLevel.DEBUG);
		try {
			RpcServiceRegistry.of(Map.of("jobs", new Jobs()), this.codec);
		}
		finally {
			logging.setLogLevel(RpcServiceRegistry.class.getName(), null);
		}
		assertThat(output.getOut()).containsPattern("@RpcEndpoint bean 'jobs' exports Jobs\\.(Run|Apply)\\(job\\), Jobs\\.(Run|Apply)\\(job\\)");
	}

	@RpcEndpoint
	static class LowerCaseName {

		@RpcName("run")
		public String execute(String job) {
			return job;
		}

	}

	@RpcEndpoint
	static class NamedTwoParams {

		public String execute(String job) {
			return job;
		}

		@RpcName("Both")
		public String both(String a, String b) {
			return a;
		}

	}

	@RpcEndpoint
	static class NamedAndMapped {

		@RpcName("Run")
		@RpcMapping("run")
		public String execute(String job) {
			return job;
		}

	}

	@RpcEndpoint
	static class IgnoredAndMapped {

		@RpcIgnore
		@RpcMapping("run")
		public String execute(String job) {
			return job;
		}

	}

	@Test
	void contradictoryOrMisplacedNamingFailsTheStartNamingBeanAndMethod() {
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("lower", new LowerCaseName()), this.codec))
			.withMessage("@RpcEndpoint bean 'lower' has @RpcName(\"run\") on execute(String): a method name begins with an "
					+ "upper-case letter, as Go exports methods, and has no dot or space");
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("two", new NamedTwoParams()), this.codec))
			.withMessage("@RpcEndpoint bean 'two' has @RpcName(\"Both\") on both(String, String), which is not a public "
					+ "instance method with one parameter and a result: publish other shapes with @RpcMapping");
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("both", new NamedAndMapped()), this.codec))
			.withMessage("@RpcEndpoint bean 'both' has @RpcName(\"Run\") on execute(String), which is also annotated "
					+ "@RpcMapping: keep one of them");
		assertThatIllegalStateException()
			.isThrownBy(() -> RpcServiceRegistry.of(Map.of("ignored", new IgnoredAndMapped()), this.codec))
			.withMessage("@RpcEndpoint bean 'ignored' has @RpcIgnore on execute(String), which is also annotated "
					+ "@RpcMapping: keep one of them");
	}

}
