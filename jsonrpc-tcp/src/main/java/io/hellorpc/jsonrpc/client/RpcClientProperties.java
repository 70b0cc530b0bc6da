package io.hellorpc.jsonrpc.client;

import java.time.Duration;

import io.hellorpc.jsonrpc.protocol.RpcProtocol;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Where {@link RpcTemplate}s built by the auto-configured {@link RpcTemplateBuilder} call, and
 * how long they wait.
 *
 * @param host The server's host name or address.
 * @param port The server's JSON-RPC port.
 * @param connectTimeout How long opening the connection may take.
 * @param timeout How long a call may wait for its reply, unless the call sets its own.
 * @param maxMessageSize Largest reply accepted; a larger one breaks the connection.
 * @param maxPendingCalls Calls a template lets wait for their replies at once (and requests wait
 * to be written); past it a call fails at once, naming this limit.
 * @param ioThreads I/O threads shared by the application's templates; 0 means one per CPU.
 * @param protocol The dialect templates speak: go (Go's net/rpc/jsonrpc) or json-rpc-2.
 * @param ssl TLS to the server, off unless rpc.client.ssl.bundle names an SSL bundle.
 */
@ConfigurationProperties("rpc.client")
public record RpcClientProperties(@DefaultValue("localhost") String host, @DefaultValue("1337") int port,
		@DefaultValue("2s") Duration connectTimeout, @DefaultValue("10s") Duration timeout,
		@DefaultValue("16MB") DataSize maxMessageSize, @DefaultValue("10000") int maxPendingCalls,
		@DefaultValue("0") int ioThreads,
		@DefaultValue("go") RpcProtocol protocol, @DefaultValue Ssl ssl) {

	/**
	 * TLS to the server.
	 *
	 * @param bundle The spring.ssl.bundle.* bundle whose trust store holds the CAs the
	 * server's certificate must chain to, and whose key store, when it has one, holds the
	 * certificate presented for mutual TLS; unset means plain TCP.
	 * @param serverName The name the server's certificate must hold (and the SNI sent), when not
	 * the host called; host-name verification is always on.
	 */
	public record Ssl(String bundle, String serverName) {

		public boolean enabled() {
			return this.bundle != null && !this.bundle.isBlank();
		}

	}

}
