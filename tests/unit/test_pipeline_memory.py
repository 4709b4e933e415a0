"""What a run lets go of before it holds every finding of a large catalog (docs/decisions/0026-memory-at-10000-
services.md): the walk's listing when no facts cache reads it, the engine's per-service states before waivers and
reports. Each was measured at 10,000 services (benchmarks/memory.py): 35 MiB and 1 MiB of peak RSS."""

from __future__ import annotations

import datetime as dt
import gc
import sys
import weakref
from pathlib import Path
from typing import Any

import pytest

from shiftleft import engine, parallel, pipeline
from shiftleft.governance import session

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402  # the benchmark corpus generator (standard library only)

NOW = dt.datetime(2026, 11, 25, tzinfo=dt.UTC)


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "catalog"
    generate.generate(6, folder, seed=0, fanout=2)
    return folder


def test_the_walks_listing_is_let_go_when_no_facts_cache_reads_it(
    catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    held: list[dict[str, Any]] = []  # the listing, held here only
    walk = pipeline.discover

    def spy(*args: Any, **kwargs: Any) -> Any:
        found = walk(*args, **kwargs)
        held.append(kwargs["listing"])
        return found

    counts: list[int] = []
    finish = session.Session.finish

    def watch(self: session.Session, *args: Any, **kwargs: Any) -> Any:
        gc.collect()
        counts.append(sys.getrefcount(held[0]))  # `held` and the argument: nothing else, not the run's frame
        return finish(self, *args, **kwargs)

    monkeypatch.setattr(pipeline, "discover", spy)
    monkeypatch.setattr(session.Session, "finish", watch)
    monkeypatch.setenv(parallel.ENV, "1")
    outcome = pipeline.run(["."], config_file=None, fail_on=None, now=NOW, cwd=catalog, whole_catalog=True)  # `check .`
    assert outcome.checked == 6 and len(held[0]) >= 7  # the catalog's folder and each service's were listed
    assert counts == [2]  # and nothing but this test holds them while the run goes on


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_engines_states_are_gone_before_waivers_and_reports(
    catalog: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    made: list[weakref.ref[engine.Evaluation]] = []

    class Watched(engine.Evaluation):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(weakref.ref(self))

    alive: list[bool] = []
    finish = session.Session.finish

    def watch(self: session.Session, *args: Any, **kwargs: Any) -> Any:
        gc.collect()
        alive.append(made[0]() is not None)
        return finish(self, *args, **kwargs)

    monkeypatch.setattr(pipeline, "Evaluation", Watched)
    monkeypatch.setattr(session.Session, "finish", watch)
    monkeypatch.setenv(parallel.ENV, workers)
    outcome = pipeline.run(["."], config_file=None, fail_on=None, now=NOW, cwd=catalog)
    assert len(outcome.result.services) == 6 and len(made) == 1 and alive == [False]


def test_the_real_folder_cache_holds_a_thousand_services_folders_and_no_more_than_4096() -> None:
    """A 1,000-service catalog asks about 2,650 folders (all stay cached: its speed); at 10,000 services 16,384
    entries held 3 MiB to the end of the run for lstat calls of microseconds."""
    from shiftleft.paths import real_folder

    assert 2_650 < (real_folder.cache_info().maxsize or 0) <= 4_096
