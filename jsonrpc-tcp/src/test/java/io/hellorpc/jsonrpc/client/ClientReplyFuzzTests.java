package io.hellorpc.jsonrpc.client;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes a server can send back, through the client's real reply pipeline and the template's
 * result conversion, keep every promise of {@link ClientReplyHarness}: each of the waiting calls
 * is settled as the bytes say (its reply, a connection error for bad input) and, at the latest,
 * by the close, with a value or one of our typed exceptions.
 * <p>
 * Without {@code JAZZER_FUZZ=1} this runs the seed corpus in
 * {@code src/test/resources/io/hellorpc/jsonrpc/client/ClientReplyFuzzTestsInputs}.
 */
class ClientReplyFuzzTests {

	@FuzzTest(maxDuration = "30s")
	void anyReplyBytesAnswerOrFailTheWaitingCallCleanly(byte[] input) {
		ClientReplyHarness.real().check(input);
	}

}
