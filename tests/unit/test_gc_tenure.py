"""The GC tenure setting: off leaves the collector as it is; on freezes and raises."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from api.gc_tenure import THRESHOLDS, tenure_startup_objects
from api.settings import Settings


@pytest.fixture
def restored_gc() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_off_by_default_changes_nothing(restored_gc: None) -> None:
    before = gc.get_threshold()
    tenure_startup_objects(Settings().gc_tenure)
    assert gc.get_threshold() == before


def test_on_freezes_and_raises_thresholds(
    restored_gc: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TALENT_GC_TENURE", "true")
    tenure_startup_objects(Settings().gc_tenure)
    assert gc.get_threshold() == THRESHOLDS
    assert gc.get_freeze_count() > 0
