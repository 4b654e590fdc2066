"""``youthvoice run`` on the test suite's fake clock, for tests that kill a real bot process:
``python -m tests.run_bot START [OPTIONS]`` starts the clock at the Unix time START and runs at
real speed; OPTIONS go to ``run`` (``--webhook --port N``).
"""

from __future__ import annotations

import sys
import time
from unittest.mock import patch

from bot.cli import commands as cli


def main() -> None:
    start, began = float(sys.argv[1]), time.monotonic()

    def clock() -> float:
        return start + (time.monotonic() - began)

    with patch.object(cli, "clock", clock):
        cli.main(["run", *sys.argv[2:]])


if __name__ == "__main__":
    main()
