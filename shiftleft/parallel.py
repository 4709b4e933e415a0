"""Evaluate a large catalog on every core: forked processes share the manifests, results in catalog order.

DESIGN.md section 9 measures 1,000 services against a one-core floor. Loading
and evaluating one manifest does not depend on any other, so the catalog is
cut into contiguous parts, one per process: the parent keeps the first part
and each forked child takes one of the others. Two rounds:

1. every process loads its part and runs the local rules (`Evaluation.add`),
   then the children send what the whole catalog needs of each service
   (`Evaluation.summary`: name, file, graph node);
2. the parent decides the duplicate names (SL009, against the first file in
   catalog order, as one process would) and sends every node back; each
   process builds the same service graph, runs the graph rules of its own
   services and the children send their service results.

The parent joins the parts in catalog order, so the result is the one a
single process gives, finding for finding (tests/unit/test_parallel.py).
Forked children inherit the compiled policy; nothing but plain values
(graph nodes, findings, packed sections) crosses a pipe, pickled by
shiftleft itself between its own processes. A child that fails makes the run
fail: its exception is raised again in the parent, and a child that ends
without its results is an internal error. The run-wide time limit stays the
parent's (children are killed when it fires).

Off for the pre-commit hook (a focused run uses the facts cache), for runs
with evidence, below `MIN_PER_PROCESS` manifests per process, and where
`os.fork` is not Linux's. `SHIFTLEFT_WORKERS=N` sets the number of processes
(1: one process); see docs/decisions/0024-rule-evaluation-speed.md.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

from shiftleft import deadline
from shiftleft.discover import Target
from shiftleft.engine import Evaluation, Summary
from shiftleft.errors import UsageError
from shiftleft.manifest.model import Manifest
from shiftleft.results import RunResult, ServiceResult

MIN_PER_PROCESS = 100
"""Manifests per process below which one process is faster (a fork, two pickled messages and a second graph
cost about as much as 20 manifests)."""
ENV = "SHIFTLEFT_WORKERS"


def processes(manifests: int) -> int:
    """How many processes should evaluate `manifests` manifests: `SHIFTLEFT_WORKERS`, else the usable cores
    (at least `MIN_PER_PROCESS` manifests each); 1 where forking is not supported."""
    text = os.environ.get(ENV, "").strip()
    if text:
        if not text.isdigit() or int(text) < 1:
            raise UsageError(f"{ENV}={text!r}: expected a whole number of processes, 1 or more")
        wanted = int(text)
    else:
        wanted = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        wanted = min(wanted, manifests // MIN_PER_PROCESS)
    if sys.platform != "linux" or not hasattr(os, "fork"):
        return 1
    return max(1, min(wanted, manifests))


def evaluate(
    evaluation: Evaluation, targets: Sequence[Target], load: Callable[[Target], Manifest], count: int,
    claim: Callable[[Manifest], None],
) -> tuple[RunResult, list[str]]:  # fmt: skip
    """Load and evaluate `targets` in `count` processes: the result and every service's name (catalog order).

    `claim` sees every manifest in catalog order before the engine trims it (`unowned.Claims.add`); a
    manifest of a child's part reaches it as a copy holding only its `spec.paths`, which is what it reads.
    """
    import pickle  # here: the hook never forks

    bounds = [(len(targets) * k // count, len(targets) * (k + 1) // count) for k in range(count)]
    evaluation.defer_duplicates = True
    children: list[_Child] = []
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        for start, end in bounds[1:]:
            children.append(_Child.fork(evaluation, targets, start, end, load, children))
        deadline.stage(f"checking {len(targets):,} manifests in {count} processes")
        for target in targets[: bounds[0][1]]:
            manifest = load(target)
            claim(manifest)
            evaluation.add(manifest)
        summaries = evaluation.summary()
        for child in children:
            summary, declared = child.receive()
            summaries.extend(summary)
            for file, display, root, paths in declared:
                claim(Manifest(file, display, root, {"spec": {"paths": paths}}))
            del summary, declared
        first = _duplicates(summaries)
        focused = {s.name for s in summaries if not s.skipped}
        nodes = [s.node for s in summaries]
        names = [s.name for s in summaries]
        del summaries
        message = pickle.dumps((nodes, first, focused), pickle.HIGHEST_PROTOCOL)
        for child in children:
            child.send(message)
        del message
        deadline.stage(f"evaluating the service graph of {len(targets):,} manifests in {count} processes")
        evaluation.mark_duplicates({p: f for p, f in first.items() if p < bounds[0][1]})
        graph = evaluation.graph(nodes)
        del nodes
        services = evaluation.services(graph, 0, focused)
        del graph
        for child in children:
            services.extend(child.receive())
            child.wait()
    finally:
        for child in children:
            child.close()
    return evaluation.result(services), names


def _duplicates(summaries: list[Summary]) -> dict[int, str]:
    """Position of each evaluated valid service whose name an earlier manifest already used -> that manifest."""
    first_file: dict[str, str] = {}
    out = {}
    for position, summary in enumerate(summaries):
        earlier = first_file.get(summary.name)
        if earlier is not None and summary.named:
            out[position] = earlier
        first_file.setdefault(summary.name, summary.display)
    return out


class _Child:
    """One forked process evaluating `targets[start:end]`, with a pipe each way."""

    def __init__(self, pid: int, start: int, end: int, results: BinaryIO, orders: BinaryIO) -> None:
        self.pid = pid
        self.start = start
        self.end = end
        self.results = results
        self.orders = orders
        self.status: int | None = None

    @classmethod
    def fork(
        cls, evaluation: Evaluation, targets: Sequence[Target], start: int, end: int,
        load: Callable[[Target], Manifest], siblings: list[_Child],
    ) -> _Child:  # fmt: skip
        results_r, results_w = os.pipe()
        orders_r, orders_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            try:
                os.close(results_r)
                os.close(orders_w)
                for sibling in siblings:  # the parent's ends of the earlier children's pipes
                    sibling.results.close()
                    sibling.orders.close()
                _work(evaluation, targets, start, end, load, os.fdopen(results_w, "wb"), os.fdopen(orders_r, "rb"))
            finally:
                os._exit(1)  # _work exits itself; this only runs if setting it up failed
        os.close(results_w)
        os.close(orders_r)
        return cls(pid, start, end, os.fdopen(results_r, "rb"), os.fdopen(orders_w, "wb"))

    def receive(self) -> Any:
        """The child's next message; its exception is raised again here."""
        import pickle

        try:
            kind, value = pickle.load(self.results)  # noqa: S301  # our own child, over our own pipe
        except EOFError:
            self.wait()
            raise RuntimeError(f"a worker process ended without its results ({_status(self.status)})") from None
        if kind == "error":
            raise value
        return value

    def send(self, message: bytes) -> None:
        self.orders.write(message)
        self.orders.flush()

    def wait(self) -> None:
        if self.status is None:
            self.status = os.waitpid(self.pid, 0)[1]

    def close(self) -> None:
        """Stop the child if it still runs (the parent failed or timed out) and reap it."""
        if self.status is None:
            try:
                os.kill(self.pid, 9)
            except ProcessLookupError:
                pass
            self.wait()
        self.results.close()
        self.orders.close()


def _work(
    evaluation: Evaluation, targets: Sequence[Target], start: int, end: int, load: Callable[[Target], Manifest],
    results: BinaryIO, orders: BinaryIO,
) -> None:  # fmt: skip
    """The child's whole life: both rounds, then exit without running the parent's exit handlers."""
    import pickle

    code = 0
    try:
        declared = []  # what the parent's `claim` reads of each manifest: its spec.paths
        for target in targets[start:end]:
            manifest = load(target)
            spec = manifest.raw.get("spec")
            if isinstance(spec, dict) and "paths" in spec:
                declared.append((manifest.file, manifest.display, manifest.root, spec["paths"]))
            evaluation.add(manifest)
        _send(results, ("ok", (evaluation.summary(), declared)))
        nodes, first, focused = pickle.load(orders)  # noqa: S301  # from our parent, over our own pipe
        evaluation.mark_duplicates({p - start: f for p, f in first.items() if start <= p < end})
        services: list[ServiceResult] = evaluation.services(evaluation.graph(nodes), start, focused)
        _send(results, ("ok", services))
    except BaseException as e:  # every failure goes to the parent, which raises it
        code = 1
        try:
            _send(results, ("error", _portable(e)))
        except BaseException:  # noqa: S110  # the parent sees the pipe close instead
            pass
    finally:
        os._exit(code)


def _send(out: BinaryIO, message: tuple[str, Any]) -> None:
    import pickle

    pickle.dump(message, out, pickle.HIGHEST_PROTOCOL)
    out.flush()


def _portable(error: BaseException) -> BaseException:
    """The child's exception as it will unpickle in the parent, with the child's traceback as a note."""
    import pickle
    import traceback

    note = "in a worker process:\n" + "".join(traceback.format_exception(error))
    try:
        copy: BaseException = pickle.loads(pickle.dumps(error))  # noqa: S301  # our own bytes
    except Exception:  # not picklable: its text in a RuntimeError
        copy = RuntimeError(f"{type(error).__name__}: {error}")
    copy.add_note(note)
    return copy


def _status(status: int | None) -> str:
    if status is None:
        return "still running"
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
