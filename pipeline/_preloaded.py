"""Imported last by the fork server (``forkserver.PRELOAD``), after the pipeline: freezes
the objects the server has imported (``gc.freeze``).

In:  nothing.  Out: nothing; the server's objects move to the garbage collector's
permanent generation.  As the ``gc`` documentation advises before ``fork()``: the workers
then share those pages with the server instead of copying them when their collections
would touch them, their collections skip them, and the server's own exit skips them.
"""

import gc

gc.freeze()
