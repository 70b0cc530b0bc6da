#!/usr/bin/env python3
"""Writes the seed corpus of ServerWireFuzzTests from the messages in payloads/.

Each seed is a message's bytes, then what the test reads from the input's end, back to front:
cut points (4 bytes each), their count (1 byte) and the hand-off (1 byte: 0 inline, 1 and 2
deferred). Every message is seeded once per hand-off: uncut, and cut at a few points.
"""
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))
# Jazzer reads every file under the test's inputs folder as a seed: this script and its
# messages live apart from it.
out = os.path.join(here, "..", "..", "resources", "io", "hellorpc", "jsonrpc", "server",
                   "ServerWireFuzzTestsInputs", "anyBytesEndInValidRepliesOrACleanClose")
for name in sorted(os.listdir(os.path.join(here, "payloads"))):
    with open(os.path.join(here, "payloads", name), "rb") as f:
        payload = f.read()
    for hand_off in range(3):
        cuts = [] if hand_off == 0 else [len(payload) // 2, 1, len(payload) - 1][:hand_off * 2 - 1]
        # consumeInt() takes 4 bytes from the end, so the first cut is written last.
        tail = b"".join(struct.pack(">i", c) for c in reversed(cuts))
        with open(os.path.join(out, f"{name}-{hand_off}"), "wb") as f:
            f.write(payload + tail + bytes([len(cuts), hand_off]))
