package io.hellorpc.jsonrpc.client;

/** One message waiting to be written: a call, a notification, or a batch of them. */
interface Outgoing {

	/** The encoded message, newline included. */
	byte[] bytes();

	/** Whether every call it carries is settled already (timed out, failed): then it is not written. */
	boolean settled();

	/** Called once it is handed to the connection. */
	void boundTo(RpcClientConnection connection);

	/** Called once it is written: notifications are done then (and forgotten), since no reply comes. */
	void written(PendingCalls calls);

}
