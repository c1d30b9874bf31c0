"""The ``jixiao`` command and ``python -m pipeline``: the CLI of ``cli.py``.

In:  the command line.  Out: what the command does (``cli.py``).

An ``ingest`` (the subcommand word, after any global flags) launches its workers' fork
server (``forkserver.start``) before the CLI is imported: the server's half second of
imports then runs beside the CLI's own (typer and pydantic, 0.15 s) instead of after them.
If the ingest turns out not to use local workers (``--executor``, a usage error), the idle
server exits with this process.  This module imports nothing else, because every worker
imports the main module again.  When the command is done the process freezes its objects
(``gc.freeze``): its exit then skips the last collections over everything it imported
(0.06 s of a one-line ingest).
"""

from __future__ import annotations

import gc
import sys


def command_word(args: list[str]) -> str | None:
    """The subcommand of a ``jixiao`` command line: its first word that is not a flag (the
    global options are flags, ``--debug``, ``--version``)."""
    return next((a for a in args if not a.startswith("-")), None)


def main() -> None:
    args = sys.argv[1:]
    if command_word(args) == "ingest" and not {"-h", "--help"} & set(args):
        from .forkserver import start

        start()
    from .cli import app

    try:
        app()
    finally:  # the process ends here: its exit need not walk every object it imported
        gc.freeze()


if __name__ == "__main__":
    main()
