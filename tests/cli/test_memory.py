"""``cli.memory.keep_freed_memory``: a freed big block is reused, not faulted in again."""

import subprocess
import sys

import pytest

ROUNDS = """
import resource, sys
import numpy as np
from tokentco.cli.memory import keep_freed_memory
set_ = sys.argv[1] == "keep" and keep_freed_memory()
faults = []
for _ in range(2):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    block = np.ones(2 << 20)  # 16 MB, every page touched
    del block
    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
print(int(set_), *faults)
"""


def rounds(mode: str) -> tuple[bool, int, int]:
    out = subprocess.run(
        [sys.executable, "-c", ROUNDS, mode], capture_output=True, text=True, check=True
    ).stdout.split()
    return out[0] == "1", int(out[1]), int(out[2])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator settings")
def test_a_freed_block_is_reused_not_faulted_in_again() -> None:
    kept, first, second = rounds("keep")
    assert kept
    assert first > 100  # 16 MB of new pages (4 KB pages, or some huge ones)
    assert second < first // 10  # the freed block is reused
    _, first_plain, second_plain = rounds("plain")
    assert second_plain > first_plain // 2  # without: given back, then faulted in again
