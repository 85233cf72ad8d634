"""Run the test suite with this process's clock two years ahead (``make test-future``).

No test may depend on the real date: tests stand at their own clock (``apptest.Clock``). Run
under Debian's ``faketime``, this proves it. Only this process lives in the future: the variable
that loads libfaketime is dropped before anything starts, so Chromium and its driver (which
libfaketime breaks) and the worker processes the tests start keep the real time, as a server and
its clients on other machines would.
"""

from __future__ import annotations

import os
import sys

import pytest

if __name__ == "__main__":
    if "faketime" not in os.environ.get("LD_PRELOAD", ""):
        sys.exit("run me under faketime: make test-future")
    os.environ.pop("LD_PRELOAD")
    sys.exit(pytest.main(sys.argv[1:]))
