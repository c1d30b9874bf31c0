"""The fork server the local worker processes start from.

In:  nothing.  Out: ``context()``, a ``forkserver`` multiprocessing context whose server
has imported the pipeline's stages (``PRELOAD``) before it forks a worker, and ``start()``,
which launches that server now.

Forking the parent directly is unsafe once it runs threads (progress bar, OCR runtime,
pool managers); a worker spawned afresh would import the pipeline again.  The server is a
clean, single-threaded process that imports the stages once, then freezes what it
imported (``_preloaded``: the workers share those pages and their collections skip them).
``jixiao`` calls ``start()`` before it imports the CLI (``__main__``), so the server's
imports (0.4 s) run while the parent loads, plans and hashes, not after.  This module
imports nothing of the pipeline.
"""

from __future__ import annotations

import multiprocessing
from typing import Any

# what a worker needs: the per-document function and the stages it runs (not pandas: the
# workers build their tables without it, write.arrow_without_pandas; the readers that use
# it import it with their libraries)
PRELOAD = [
    "pipeline.executors",
    "pipeline.segment",
    "pipeline.interpret",
    "pipeline.direction",
    "pebble",  # its worker loop is what the server forks into
    "pipeline._preloaded",  # last: freezes the objects above (gc.freeze)
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
