package io.hellorpc.jsonrpc.client;

/** One message waiting to be written: a call, a notification, or a batch of them. */
interface Outgoing {

	/** The encoded message, newline included. */
	byte[] bytes();

	/** Whether nothing is left to send it for (every call in it timed out or failed). */
	boolean cancelled();

	/** Called once it is handed to the connection. */
	void boundTo(RpcClientConnection connection);

	/** Called once it is written: notifications are done then (and forgotten), since no reply comes. */
	void written(PendingCalls calls);

}
