package io.hellorpc.jsonrpc.client;

import java.util.List;

/** One message waiting to be written: a call, a notification, or a batch of them. */
interface Outgoing {

	/** The encoded message, newline included. */
	byte[] bytes();

	/** The calls it carries, each settled on its own. */
	List<PendingCall> calls();

	/** Whether every call it carries is settled already (timed out, failed): then it is not written. */
	boolean settled();

	/** Called once it is handed to a connection (again, when it moves to another one before being written). */
	void boundTo(RpcClientConnection connection);

	/** Called on the event loop as its bytes go to the socket, the {@code sequence}-th message of that connection. */
	void onWire(long sequence);

	/** Called once it is written: notifications are done then (and forgotten), since no reply comes. */
	void written(PendingCalls calls);

}
