package io.hellorpc.jsonrpc.transport;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.hellorpc.jsonrpc.client.RpcClientResources;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.support.ProcessResult;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The server and the client on each of Netty's transports this machine has (the test class path
 * holds the linux-x86_64 native jars), the default's choice, and the fallback to NIO in a JVM
 * without the native jars.
 */
@ExtendWith(OutputCaptureExtension.class)
class RpcTransportTests {

	@ParameterizedTest
	@EnumSource(value = RpcTransport.class, names = { "NIO", "EPOLL", "IO_URING" })
	void callsTravelBetweenServerAndClientOnEachAvailableTransport(RpcTransport transport, CapturedOutput output) {
		assumeAvailable(transport);
		try (RunningServer server = RunningServer.start("rpc.server.transport=" + NettyTransport.name(transport));
				RpcClientResources resources = new RpcClientResources(1, transport);
				RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", server.port()).resources(resources).build()) {
			// A channel registers only with event loops of its own transport: the call proves both sides run on it.
			assertThat(rpc.call("Handler.Execute", new Request("wire"), Response.class).message()).isEqualTo("Hello wire");
			assertThat(resources.transport()).isEqualTo(transport);
			assertThat(output.getOut()).contains("JSON-RPC server listening on /127.0.0.1:" + server.port() + " ("
					+ NettyTransport.name(transport) + ")");
		}
	}

	@Test
	void theDefaultIsEpollWhereItsJarAndTheKernelHaveIt(CapturedOutput output) {
		assumeAvailable(RpcTransport.EPOLL);
		try (RunningServer server = RunningServer.start(); RpcClientResources resources = new RpcClientResources()) {
			assertThat(resources.transport()).isEqualTo(RpcTransport.EPOLL);
			assertThat(output.getOut()).contains("JSON-RPC server listening on /127.0.0.1:" + server.port() + " (epoll)");
		}
	}

	@Test
	void withoutTheNativeJarsTheDefaultIsNioAndANativeTransportAskedForFailsWithTheReason() throws Exception {
		String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.matches(".*netty-transport-(native|classes)-(epoll|io_uring).*"))
			.collect(Collectors.joining(File.pathSeparator));
		assertThat(classPath).isNotEqualTo(System.getProperty("java.class.path"));
		Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath,
				NioFallbackMain.class.getName())).start();
		ProcessResult result = ProcessResult.of(process, 120);
		assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
		assertThat(result.stdout()).containsPattern("JSON-RPC server listening on /127\\.0\\.0\\.1:\\d+ \\(nio\\)")
			.contains("client transport: NIO", "reply: Hello nio",
					"epoll refused: Transport epoll is not available: its jar (netty-transport-native-epoll) is not on the class path",
					"io-uring server refused: Transport io-uring is not available: its jar (netty-transport-native-io_uring) is not on the class path");
	}

	/** Set by .ci/run on linux-x86_64, where epoll and OpenSSL must load: there their tests fail rather than skip. */
	static final boolean NATIVE_REQUIRED = "true".equals(System.getenv("HELLO_RPC_REQUIRE_NATIVE"));

	@Test
	void withTheNativeJarsButNativeTransportsSwitchedOffTheDefaultIsNioAndEpollAskedForSaysWhy() throws Exception {
		Process process = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Dio.netty.transport.noNative=true", "-cp", System.getProperty("java.class.path"),
				NioFallbackMain.class.getName())).start();
		ProcessResult result = ProcessResult.of(process, 120);
		assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
		assertThat(result.stdout()).containsPattern("JSON-RPC server listening on /127\\.0\\.0\\.1:\\d+ \\(nio\\)")
			.contains("client transport: NIO", "reply: Hello nio", "epoll refused: Transport epoll is not available: ")
			.doesNotContain("epoll refused: Transport epoll is not available: its jar");
	}

	private static void assumeAvailable(RpcTransport transport) {
		if (transport != RpcTransport.NIO) {
			String why = NettyTransport.unavailability(transport);
			if (NATIVE_REQUIRED && transport == RpcTransport.EPOLL) {
				assertThat(why).as("epoll, required by HELLO_RPC_REQUIRE_NATIVE").isNull();
			}
			assumeTrue(why == null, () -> NettyTransport.name(transport) + " is not available here: " + why);
		}
	}

}
