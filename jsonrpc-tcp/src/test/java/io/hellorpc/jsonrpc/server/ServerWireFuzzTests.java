package io.hellorpc.jsonrpc.server;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.hellorpc.jsonrpc.server.ServerWireHarness.HandOff;

/**
 * Any bytes a peer can send, however TCP cuts them (the fuzzer picks up to 16 cut points: inside
 * tokens, between messages, one byte apart) and whichever way calls leave the event loop
 * (inline, or queued to a task executor and run in either order), get the replies the protocol
 * says, and only those, or an error line and a close, with every promise of
 * {@link ServerWireHarness} kept.
 * <p>
 * Without {@code JAZZER_FUZZ=1} this runs the seed corpus in
 * {@code src/test/resources/io/hellorpc/jsonrpc/server/ServerWireFuzzTestsInputs} (made by
 * {@code src/test/seeds/ServerWireFuzzTests/seeds.py}).
 */
class ServerWireFuzzTests {

	@FuzzTest(maxDuration = "30s")
	void anyBytesEndInValidRepliesOrACleanClose(FuzzedDataProvider data) {
		// Jazzer takes single numbers from the input's end, so a seed is its bytes, then the cuts
		// (4 bytes each), their count and the hand-off (1 byte each), read back to front.
		HandOff handOff = data.pickValue(HandOff.values());
		int[] cuts = new int[data.consumeInt(0, 16)];
		for (int i = 0; i < cuts.length; i++) {
			cuts[i] = data.consumeInt();
		}
		ServerWireHarness.of(handOff).check(data.consumeRemainingAsBytes(), cuts);
	}

}
