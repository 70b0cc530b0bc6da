package io.hellorpc.jsonrpc.client;

import io.hellorpc.jsonrpc.support.GoPeer;
import io.hellorpc.jsonrpc.support.PeerServer;
import io.hellorpc.jsonrpc.support.TestCertificates;
import io.hellorpc.jsonrpc.support.TestServices.Request;
import io.hellorpc.jsonrpc.support.TestServices.Response;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Our RpcTemplate against Go's own net/rpc/jsonrpc server, unchanged. */
class GoServerInteropTests {

	@Test
	void rpcTemplateGetsHelloAndTheEmptyNameErrorFromAGoServer() {
		try (PeerServer go = GoPeer.startServer("server");
				RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", go.port()).build()) {
			assertThat(rpc.call("Handler.Execute", new Request("ciro"), Response.class)).isEqualTo(new Response("Hello ciro"));
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request(""), Response.class))
				.withMessage("A name must be specified");
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc.call("Handler.Nope", new Request("x"), Response.class))
				.withMessage("rpc: can't find method Handler.Nope");
		}
	}


	@Test
	void rpcTemplateCallsAGoServerBehindCryptoTlsWithMutualTls() {
		TestCertificates certificates = TestCertificates.get();
		try (PeerServer go = GoPeer.startServer("server", "-cert=" + certificates.server().certificate(),
				"-key=" + certificates.server().privateKey(), "-ca=" + certificates.ca());
				RpcTemplate rpc = new RpcTemplateBuilder().address("127.0.0.1", go.port())
					.ssl(TestCertificates.bundle(certificates.client(), certificates.ca()))
					.build();
				RpcTemplate anonymous = new RpcTemplateBuilder().address("127.0.0.1", go.port())
					.ssl(TestCertificates.bundle(null, certificates.ca()))
					.build()) {
			assertThat(rpc.call("Handler.Execute", new Request("ciro"), Response.class)).isEqualTo(new Response("Hello ciro"));
			assertThatExceptionOfType(RpcRemoteException.class)
				.isThrownBy(() -> rpc.call("Handler.Execute", new Request(""), Response.class))
				.withMessage("A name must be specified");
			// Go's server requires a client certificate; under TLS 1.3 its refusal comes after the client's handshake.
			assertThatExceptionOfType(RpcConnectionException.class)
				.isThrownBy(() -> anonymous.call("Handler.Execute", new Request("ciro"), Response.class))
				.withMessageContaining("127.0.0.1:" + go.port())
				.withMessageContaining("certificate");
		}
	}

}
