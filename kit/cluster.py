"""Stage 5 for bulk runs beyond one machine: a batch's rows built on a Dask cluster.

The machine that runs `make_kit batch --scheduler ADDRESS` reads the families file, decides
which rows need building (kit/batch.py) and submits one task per row to the scheduler. Each
worker checks once, on its first row, that it sees the same engine, content and organisation
folder as the submitting machine (the same fingerprint, so its packs are byte for byte the
ones any other machine would make), then builds rows with kit/batch.py's own row function and
writes each pack straight to the store (a shared folder or object storage), atomically.

A worker that dies loses only the rows it held, which the scheduler gives to another worker; a
pack is never half-written, because a pack and its input stamp are committed by renames. Rows
are yielded as they finish (the progress bar), and an interrupt cancels every row not yet
finished on the cluster.
"""
from __future__ import annotations

import threading

RETRIES = 2
"""Times a row whose task raised is tried again (a worker that died is handled by the
scheduler, which moves the row to another worker up to its `allowed-failures`)."""

CONNECT_TIMEOUT = "10s"

_READY: dict[str, str | None] = {}
"""On a worker: for each batch (by fingerprint), None when the worker may build its rows, or
the reason it may not."""
_LOCK = threading.Lock()
"""One build at a time per worker process: the renderer keeps process-wide state."""


def run_rows(job, todo, address: str):
    """Build `todo` [(row, key)] on the cluster at `address`; yield each row's result as it
    finishes, in the same form as the local pool's."""
    from distributed import Client, as_completed
    from distributed.client import FutureCancelledError

    from .output import OutputError

    if not todo:
        return
    job = _absolute(job)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise OutputError(f"{address}: cannot reach the Dask scheduler: {exc}") from None
    rows = {}
    futures = []
    try:
        for row, key in todo:
            name = f"pack-{row.name}-{key[:16]}"
            rows[name] = row
            futures.append(client.submit(build_on_worker, job, row, key, key=name,
                                         retries=RETRIES))
        for future in as_completed(futures, loop=client.loop):
            try:
                yield future.result()
            except FutureCancelledError:
                raise KeyboardInterrupt from None  # cancelled from outside this run
            except Exception as exc:
                if type(exc).__name__ != "KilledWorker":
                    raise
                yield (rows[future.key], False,
                       ["every worker that tried to build this pack died; nothing of it was "
                        "written"], None)
    except BaseException as exc:  # an interrupt (or a bug): stop the cluster's work on it
        if isinstance(exc, KeyboardInterrupt):
            import logging

            # the client's event loop logs the interrupted callbacks as tracebacks while it
            # shuts down; the user asked for the stop and is told what was written
            for name in ("distributed", "tornado", "asyncio"):
                logging.getLogger(name).setLevel(logging.CRITICAL)
        client.cancel(futures, force=True)
        raise
    finally:
        client.close()


def _absolute(job):
    """The job with its folders as absolute paths: a worker does not share our working folder."""
    import dataclasses

    places = dataclasses.replace(job.places, content=job.places.content.resolve(),
                                 org=job.places.org.resolve() if job.places.org else None)
    store = job.store
    if hasattr(store, "path"):
        store = type(store)(store.path.resolve())
    return dataclasses.replace(job, places=places, store=store)


def build_on_worker(job, row, key: str):
    """One row, on a worker: the batch's first row here checks the worker first."""
    from .batch import _build_row

    with _LOCK:
        if job.base not in _READY:
            _READY[job.base] = _prepare(job)
        problem = _READY[job.base]
        if problem:
            return row, False, [problem], None
        return _build_row(job.places, job.kit_name, row, job.options, job.store, key)


def _prepare(job) -> str | None:
    """Check that this worker sees what the submitting machine saw; the reason it cannot
    build, or None."""
    import socket

    from .batch import fingerprint

    try:
        mine = fingerprint(job.places, job.kit_name, job.options, skip=job.skip)
    except OSError as exc:
        return f"worker on {socket.gethostname()} cannot read the content: {exc}"
    if mine != job.base:
        return (f"worker on {socket.gethostname()} sees a different engine, content or "
                f"organisation folder at {', '.join(str(r) for r in job.places.roots)} than "
                "the machine that started the batch; its packs would differ, so it built none")
    return None
