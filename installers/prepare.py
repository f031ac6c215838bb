"""After ``pip install -e .``: what installing a wheel would have done, once.

Run by the README's two set-up commands (and so by ``.ci/run``):

1. compile the package's bytecode. ``pip`` compiles a wheel's modules; an editable install
   has none, and where ``PYTHONDONTWRITEBYTECODE=1`` is set every start (and every test that
   starts a process) would compile some 180 modules again, about 0.4 s;
2. unpack PySide6's support modules with shiboken's own switch, so they are not compiled
   from source at every start (``tokentco.ui.shiboken_files``; 33–41 ms per start);
3. store the compiled methods of the dataclasses a start creates, so they are not compiled
   from source at every start (``tokentco.ui.dataclass_code``; 60–100 ms per start). In a
   fresh process: the modules must be imported anew to meet every dataclass.

Prints one line per step; exits non-zero only when compiling the package fails.
"""

import compileall
import subprocess
import sys
from pathlib import Path

from tokentco.ui import shiboken_files

RECORD = "from tokentco.ui import dataclass_code; print(dataclass_code.record_start())"


def main() -> int:
    package = Path(__file__).resolve().parents[1] / "desktop"
    if not compileall.compile_dir(str(package), quiet=1):
        print(f"prepare: compiling {package} failed", file=sys.stderr)
        return 1
    print(f"prepare: bytecode compiled for {package}")
    print(f"prepare: {shiboken_files.unpack()}")
    stored = subprocess.run(
        [sys.executable, "-c", RECORD], capture_output=True, text=True, check=False
    )
    print(f"prepare: {stored.stdout.strip() or stored.stderr.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
