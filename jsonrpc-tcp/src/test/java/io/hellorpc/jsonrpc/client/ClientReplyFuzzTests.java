package io.hellorpc.jsonrpc.client;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes a server can send back, through the client's real reply pipeline, keep every promise
 * of {@link ClientReplyHarness}: the waiting call is answered, failed with a connection error the
 * bytes explain, or still waiting.
 */
class ClientReplyFuzzTests {

	@FuzzTest(maxDuration = "30s")
	void anyReplyBytesAnswerOrFailTheWaitingCallCleanly(byte[] input) {
		ClientReplyHarness.real().check(input);
	}

}
