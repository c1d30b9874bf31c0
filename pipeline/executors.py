"""Executors: where the per-document function runs.

In:  file paths, a ``Config``, a time budget per page (and a cap per document).
Out: for each path, the document's rows (``write.doc_tables`` of ``run.process_file``) as
Arrow IPC bytes, or a ``WorkerFailure`` when the worker running it timed out or died.

Time limits scale with the work: a document gets ``timeout × pages`` seconds, at most
``timeout_cap`` (``readers.budget``: pages counted from the file's header, 1 for files
without pages), so a one-page file that hangs is stopped after ``timeout`` while a long
scan has the time its pages need.  The worker knows its deadline: the OCR reader stops at
a page boundary when the next page would not fit, and returns the pages read with a
finding naming the missing ones, before the worker would be stopped.

* ``local`` (default): a ``pebble.ProcessPool`` of ``jobs`` worker processes on this
  machine, started from a fork server (``forkserver.py``: a clean, single-threaded
  process that has already imported the pipeline).  pebble stops a worker whose file runs
  past the timeout and replaces a worker that dies (segfault, SIGKILL by the OOM killer,
  ``os._exit``); the file becomes a ``WorkerFailure`` and the pool goes on.
* ``dask``: a ``dask.distributed`` client, on a ``LocalCluster`` of ``jobs`` worker
  processes or on an existing cluster (``address``, e.g. ``tcp://host:8786``; jixiao must be
  installed on the workers and the input paths readable there).  Files go in chunks of a
  few (one Dask task per chunk); each Dask worker runs each file of its chunk through a
  pebble pool of its own, so a timeout or crash is handled per file exactly as locally
  and never takes the Dask worker down (if a Dask worker dies all the same, every file of
  its chunk becomes ``worker_crashed``).
  (Workers must be allowed child processes: ``LocalCluster`` is started with
  ``distributed.worker.daemon: False``; set ``DASK_DISTRIBUTED__WORKER__DAEMON=False``
  for ``dask worker`` processes.  Where they are not, the task runs in the worker thread
  without a timeout.)
* Every worker process caps its address space at ``readers.limits`` ``max_memory_mb``
  (``RLIMIT_AS``): a file that needs more fails alone as ``resource_limit``.
* ``inline``: in this process, one file after another, with no timeout and no crash
  isolation (for debugging and profiling).

Workers return Arrow IPC bytes rather than ``DocResult``s: converting rows to Arrow is a
fifth of the work per document, and doing it in the workers, in a form the parent decodes
in C++ (pickled Python objects or tables cost the parent ten times more), keeps the parent
(which only concatenates and writes) from becoming the bottleneck at two workers.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import signal
from typing import Any, NamedTuple

from . import forkserver
from .config import Config
from .readers.budget import budget_seconds, pages_of, set_deadline
from .readers.limits import Limits, limits, set_limits
from .run import process_file
from .write import arrow_without_pandas, doc_tables, to_ipc

Outcome = dict[str, bytes]  # dataset name -> Arrow IPC record batch of the document's rows
MAX_TASKS_PER_WORKER = 500  # a worker is replaced after this many files (bounds leaks)


class WorkerFailure(NamedTuple):
    """A file whose worker did not return: ``code`` is ``worker_timeout`` or
    ``worker_crashed``."""

    code: str
    message: str


def convert(path: str, cfg: Config) -> Outcome:
    """The per-document function as the workers run it: ``process_file`` → Arrow rows."""
    return to_ipc(doc_tables(process_file(path, cfg), cfg.config_hash))


_CFG: Config | None = None


def cap_memory(mb: int) -> bool:
    """Cap this process's address space at ``mb`` MB (``RLIMIT_AS``), so an allocation past
    it raises ``MemoryError`` in this process (a ``resource_limit`` error for the file)
    instead of driving the machine into swap or the OOM killer.  ``0`` leaves it alone;
    a hard limit below ``mb`` is kept.  Returns True when a cap is in force."""
    if mb <= 0:
        return False
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = mb << 20
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ValueError, OSError):
        return False
    return True


def _init_worker(cfg: Config, threads: int | None = None, lim: Limits | None = None) -> None:
    global _CFG
    _CFG = cfg
    arrow_without_pandas()
    if lim is not None:
        set_limits(lim)  # the parent's limits (options, environment) hold in the worker
    cap_memory(limits().max_memory_mb)
    if threads:
        # share the cores between workers: the OCR runtime would otherwise use all of them
        # in every worker (readers.ocr reads this when it is first imported)
        os.environ["JIXIAO_OCR_THREADS"] = str(threads)


def _work(path: str, budget: float | None = None) -> Outcome:
    assert _CFG is not None, "worker not initialised"
    set_deadline(budget)
    try:
        return convert(path, _CFG)
    finally:
        set_deadline(None)


def file_budget(path: str, per_page: float | None, cap: float | None) -> float | None:
    """Seconds a file may take: ``per_page`` × its pages, at most ``cap``."""
    if not per_page:
        return None
    return budget_seconds(pages_of(path), per_page, cap)


def failure_of(exc: BaseException, timeout: float | None) -> WorkerFailure:
    """A worker-level exception → ``WorkerFailure`` (``process_file`` itself never raises)."""
    from pebble import ProcessExpired

    if isinstance(exc, cf.TimeoutError | TimeoutError):
        after = f" after {timeout:g} s" if timeout else ""
        return WorkerFailure("worker_timeout", f"no result{after}; the worker was stopped")
    if isinstance(exc, ProcessExpired):
        code = exc.exitcode or 0
        how = f"exit code {code}"
        if code < 0:
            try:
                how = f"signal {signal.Signals(-code).name}"
            except ValueError:
                how = f"signal {-code}"
        return WorkerFailure("worker_crashed", f"the worker process died ({how})")
    name = type(exc).__name__
    if name == "KilledWorker":  # dask: the task killed every worker it ran on
        return WorkerFailure("worker_crashed", f"the Dask worker died: {exc}")
    return WorkerFailure("worker_crashed", f"the worker failed: {name}: {exc}")


def _pool(jobs: int, cfg: Config) -> Any:
    from pebble import ProcessPool

    pool = ProcessPool(
        max_workers=jobs,
        max_tasks=MAX_TASKS_PER_WORKER,
        initializer=_init_worker,
        initargs=(cfg, max(1, (os.cpu_count() or 1) // jobs), limits()),
        context=forkserver.context(),
    )
    _stop_workers_first(pool)
    return pool


def _stop_workers_first(pool: Any) -> None:
    """Make the pool stop its workers before it removes their channel's semaphores.

    pebble (5.2) closes the channel first, unlinking its semaphores, then stops the
    workers; a worker it has just started in place of one stopped by a timeout may still be
    loading, and then dies with a ``SemLock._rebuild … FileNotFoundError`` traceback on
    stderr.  Stopping the workers first (they are terminated either way) avoids it.
    Without those pebble internals the pool is left as it is.
    """
    wm = getattr(getattr(pool, "_pool_manager", None), "worker_manager", None)
    close, stop = getattr(wm, "close_channels", None), getattr(wm, "force_stop_workers", None)
    if close is None or stop is None:
        return

    def close_channels() -> None:
        stop()
        close()

    wm.close_channels = close_channels


class LocalExecutor:
    """``jobs`` worker processes on this machine (pebble), a time budget per file."""

    name = "local"

    def __init__(
        self, cfg: Config, jobs: int, timeout: float | None, timeout_cap: float | None = None
    ) -> None:
        self.timeout, self.timeout_cap = timeout, timeout_cap
        self.slots = jobs
        self.in_flight = 4 * jobs + 16  # queued in the pool, so no worker waits for the parent
        self._pool = _pool(jobs, cfg)
        self._budgets: dict[cf.Future, float | None] = {}

    def submit(self, path: str) -> cf.Future:
        b = file_budget(path, self.timeout, self.timeout_cap)
        fut = self._pool.schedule(_work, args=(path, b), timeout=b)
        self._budgets[fut] = b
        return fut

    def wait(self, futures: set) -> set:
        return cf.wait(futures, return_when=cf.FIRST_COMPLETED).done

    def outcome(self, fut: cf.Future) -> Outcome | WorkerFailure:
        b = self._budgets.pop(fut, self.timeout)
        try:
            return fut.result()
        except Exception as e:
            return failure_of(e, b)

    def close(self) -> None:
        self._pool.stop()
        self._pool.join()


class InlineExecutor:
    """This process, one file after another; no timeout, no crash isolation."""

    name = "inline"
    slots = 1
    in_flight = 1

    def __init__(self, cfg: Config) -> None:
        self.cfg = cfg

    def submit(self, path: str) -> cf.Future:
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(convert(path, self.cfg))
        except Exception as e:  # process_file never raises; converting its result might
            fut.set_exception(e)
        return fut

    def wait(self, futures: set) -> set:
        return set(futures)

    def outcome(self, fut: cf.Future) -> Outcome | WorkerFailure:
        try:
            return fut.result()
        except Exception as e:
            return failure_of(e, None)

    def close(self) -> None:
        pass


_DASK_POOLS: dict[tuple[int, str], Any] = {}


def _dask_task(
    paths: list[str], cfg: Config, timeout: float | None, timeout_cap: float | None = None
) -> list[Outcome | WorkerFailure]:
    """Runs on a Dask worker: each file in a child process of the worker, with its budget
    (``timeout`` per page, at most ``timeout_cap``)."""
    key = (os.getpid(), cfg.config_hash)
    pool = _DASK_POOLS.get(key)
    if pool is None and multiprocessing.current_process().daemon:
        return [convert(p, cfg) for p in paths]  # a daemonic worker may not start processes
    if pool is None:
        from distributed import get_worker

        try:
            threads = get_worker().state.nthreads
        except (ValueError, AttributeError):
            threads = 1
        pool = _DASK_POOLS[key] = _pool(threads, cfg)
    out: list[Outcome | WorkerFailure] = []
    for p in paths:
        b = file_budget(p, timeout, timeout_cap)
        try:
            out.append(pool.schedule(_work, args=(p, b), timeout=b).result())
        except Exception as e:
            out.append(failure_of(e, b))
    return out


def _close_dask_pools() -> int:
    """Runs on each Dask worker when the executor closes: stop its pebble pools before the
    worker exits (else a pool may be restarting a process as its owner goes away)."""
    pid = os.getpid()
    closed = 0
    for key in [k for k in _DASK_POOLS if k[0] == pid]:
        pool = _DASK_POOLS.pop(key)
        pool.stop()
        pool.join()
        closed += 1
    return closed


class _Handle:
    """One file submitted to the Dask executor (its result arrives with its chunk's)."""

    __slots__ = ()


class DaskExecutor:
    """A dask.distributed cluster: a ``LocalCluster`` of ``jobs`` processes, or ``address``.

    Files are sent in chunks of up to ``CHUNK_FILES`` files or ``CHUNK_BYTES`` bytes, one
    Dask task per chunk (a Dask task costs a few milliseconds of scheduling, as much as a
    small text file takes to read); the timeout still applies to each file.
    """

    name = "dask"
    CHUNK_FILES = 8
    CHUNK_BYTES = 4 << 20

    def __init__(
        self,
        cfg: Config,
        jobs: int,
        timeout: float | None,
        address: str | None = None,
        timeout_cap: float | None = None,
    ) -> None:
        import dask
        from distributed import Client, LocalCluster, as_completed

        self.timeout, self.timeout_cap = timeout, timeout_cap
        self._cluster = None
        if address:
            self._client = Client(address)
        else:
            with dask.config.set(
                {
                    "distributed.worker.daemon": False,  # workers start child processes
                    "distributed.scheduler.worker-saturation": float("inf"),  # no idle gaps
                }
            ):
                self._cluster = LocalCluster(
                    n_workers=jobs,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=40,  # logging.ERROR
                )
            self._client = Client(self._cluster)
        self.slots = max(1, sum(self._client.nthreads().values()))
        self.in_flight = 3 * self.slots * self.CHUNK_FILES
        [self._cfg] = self._client.scatter([cfg], broadcast=True)
        # results are fetched in the background as tasks finish, not one round trip each
        self._done = as_completed(with_results=True, raise_errors=False)
        self._chunk: list[tuple[_Handle, str]] = []
        self._chunk_bytes = 0
        self._chunks: dict[Any, list[_Handle]] = {}
        self._results: dict[_Handle, Any] = {}

    def submit(self, path: str) -> _Handle:
        h = _Handle()
        self._chunk.append((h, path))
        try:
            self._chunk_bytes += os.path.getsize(path)
        except OSError:
            pass
        if len(self._chunk) >= self.CHUNK_FILES or self._chunk_bytes >= self.CHUNK_BYTES:
            self._flush()
        return h

    def _flush(self) -> None:
        if not self._chunk:
            return
        paths = [p for _, p in self._chunk]
        fut = self._client.submit(
            _dask_task, paths, self._cfg, self.timeout, self.timeout_cap, pure=False
        )
        self._chunks[fut] = [h for h, _ in self._chunk]
        self._done.add(fut)
        self._chunk, self._chunk_bytes = [], 0

    def wait(self, handles: set) -> set:
        self._flush()
        while not (done := handles & self._results.keys()):
            for fut, result in self._done.next_batch(block=True):
                hs = self._chunks.pop(fut)
                if isinstance(result, BaseException):
                    result = [result] * len(hs)
                self._results.update(zip(hs, result, strict=True))
        return done

    def outcome(self, h: _Handle) -> Outcome | WorkerFailure:
        r = self._results.pop(h)
        return failure_of(r, self.timeout) if isinstance(r, BaseException) else r

    def close(self) -> None:
        try:
            self._client.run(_close_dask_pools)
        except Exception:  # a worker already gone has no pool left to stop
            pass
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(
    kind: str,
    cfg: Config,
    jobs: int,
    timeout: float | None,
    address: str | None = None,
    timeout_cap: float | None = None,
) -> LocalExecutor | DaskExecutor | InlineExecutor:
    """The executor ``kind`` (local, dask, inline); ``timeout`` is seconds per page of a
    file, ``timeout_cap`` the most one file may take."""
    if kind == "local":
        return LocalExecutor(cfg, jobs, timeout, timeout_cap)
    if kind == "dask":
        return DaskExecutor(cfg, jobs, timeout, address, timeout_cap)
    if kind == "inline":
        return InlineExecutor(cfg)
    raise ValueError(f"unknown executor {kind!r} (local, dask or inline)")
