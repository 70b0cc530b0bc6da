package io.hellorpc.jsonrpc.transport;

import io.hellorpc.jsonrpc.client.RpcClientResources;
import io.hellorpc.jsonrpc.client.RpcTemplate;
import io.hellorpc.jsonrpc.client.RpcTemplateBuilder;
import io.hellorpc.jsonrpc.support.RunningServer;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;

/**
 * Run by {@link RpcTransportTests} in a JVM whose class path lacks Netty's native jars: a server
 * and a client on the default transport make a call, then epoll is asked for explicitly.
 */
public final class NioFallbackMain {

	private NioFallbackMain() {
	}

	public static void main(String[] args) {
		try (RunningServer server = RunningServer.start();
				RpcClientResources resources = new RpcClientResources(1);
				RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", server.port()).resources(resources).build()) {
			System.out.println("client transport: " + resources.transport());
			System.out.println("reply: " + rpc.call("Handler.Execute", new Request("nio"), Response.class).message());
		}
		try (RpcClientResources epoll = new RpcClientResources(1, RpcTransport.EPOLL)) {
			System.out.println("epoll: started");
		}
		catch (IllegalStateException ex) {
			System.out.println("epoll refused: " + ex.getMessage());
		}
		try (RunningServer server = RunningServer.start("rpc.server.transport=io-uring")) {
			System.out.println("io-uring server: started");
		}
		catch (RuntimeException ex) {
			Throwable cause = ex;
			while (cause.getCause() != null && !(cause instanceof IllegalStateException && cause.getMessage().startsWith("Transport"))) {
				cause = cause.getCause();
			}
			System.out.println("io-uring server refused: " + cause.getMessage());
		}
	}

}
