"""The fork server the local worker processes start from.

In:  nothing.  Out: ``context()``, a ``forkserver`` multiprocessing context whose server
has imported the pipeline's stages (``PRELOAD``) before it forks a worker, and ``start()``,
which launches that server now.

Forking the parent directly is unsafe once it runs threads (progress bar, OCR runtime,
pool managers); a worker spawned afresh would import the pipeline again.  The server is a
clean, single-threaded process that imports the stages once.  ``jixiao ingest`` calls
``start()`` before it imports anything heavy itself, so the server's imports (about half
a second) run while the parent loads, plans and hashes, not after.  This module imports
nothing of the pipeline.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

# what a worker needs: the per-document function and the stages it runs, and pandas,
# which pyarrow imports the first time a process builds or reads a table (0.25 s)
PRELOAD = [
    "pipeline.executors",
    "pipeline.segment",
    "pipeline.interpret",
    "pipeline.direction",
    "pandas",
]

_CONTEXT: Any = None


def context() -> Any:
    """The fork-server context, its server preloading ``PRELOAD``."""
    global _CONTEXT
    if _CONTEXT is None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        _CONTEXT = ctx
    return _CONTEXT


def start() -> None:
    """Launch the fork server now (it imports ``PRELOAD`` in the background); the pool's
    first worker then forks from a server that is ready or nearly so."""
    from multiprocessing import forkserver

    context()
    forkserver.ensure_running()
