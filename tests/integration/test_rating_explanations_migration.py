"""Migration 0010 packs the old one-row-per-contribution table into one value per
entry and a downgrade unpacks it: explanations survive both ways, in order. Below
0012 a downgrade spells out the compact form's one-letter names again."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from persistence.rating_store.explanations import decode
from tests.support.databases import downgrade, fresh_postgres, fresh_sqlite, migrate

ROWS = [  # entry 7: a counted result, a counted achievement, a result beyond best N
    dict(id=1, entry_id=7, event_id=11, result_id=21, achievement_id=None, level="FEDERAL",
         place=3, ties=2, field_size=40, status="PRIZE_WINNER", completion=None, basis="PLACE",
         level_weight=Decimal("80"), result_factor=Decimal("0.8615"),
         field_factor=Decimal("0.6144"), relevance=Decimal("1"), points=Decimal("42.35"),
         counted=True, reason=None),
    dict(id=2, entry_id=7, event_id=None, result_id=None, achievement_id=31, level="SCHOOL",
         place=None, ties=None, field_size=30, status="WINNER", completion=None, basis="STATUS",
         level_weight=Decimal("15"), result_factor=Decimal("1"), field_factor=Decimal("0.5"),
         relevance=Decimal("0.5"), points=Decimal("3.75"), counted=True, reason=None),
    dict(id=3, entry_id=7, event_id=12, result_id=22, achievement_id=None, level="SCHOOL",
         place=None, ties=None, field_size=1, status=None, completion="COMPLETED",
         basis="COMPLETION", level_weight=Decimal("15"), result_factor=Decimal("0.5"),
         field_factor=Decimal("0.25"), relevance=Decimal("1"), points=Decimal("1.88"),
         counted=False, reason="BEYOND_BEST_N"),
]  # fmt: skip


def _sync(url: str) -> str:
    return url.replace("+aiosqlite", "").replace("+psycopg", "+psycopg")


def _round_trip(url: str) -> None:
    migrate(url, "0007")
    engine = sa.create_engine(_sync(url))
    table = sa.Table("rating_contributions", sa.MetaData(), autoload_with=engine)
    with engine.begin() as connection:
        connection.execute(sa.insert(table), list(reversed(ROWS)))
    migrate(url)
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT entry_id, items FROM rating_explanations"))
        (entry_id, text), = stored.all()  # fmt: skip
    found = decode(entry_id, text)
    assert entry_id == 7
    assert [(c.result_id, c.achievement_id, c.counted, c.reason) for c in found] == [
        (21, None, True, None), (None, 31, True, None), (22, None, False, "BEYOND_BEST_N"),
    ]  # fmt: skip
    assert found[0].points == Decimal("42.35") and found[0].result_factor == Decimal("0.8615")
    assert found[0].level_weight == Decimal("80.0000") and found[0].ties == 2
    assert found[2].completion == "COMPLETED" and found[2].field_size == 1
    downgrade(url, "0007")
    with engine.connect() as connection:
        back = connection.execute(
            sa.text(
                "SELECT result_id, achievement_id, points, counted, reason, basis "
                "FROM rating_contributions ORDER BY counted DESC, points DESC"
            )
        ).all()
    engine.dispose()
    assert [(r[0], r[1], Decimal(str(r[2])), bool(r[3]), r[4], r[5]) for r in back] == [
        (21, None, Decimal("42.35"), True, None, "PLACE"),
        (None, 31, Decimal("3.75"), True, None, "STATUS"),
        (22, None, Decimal("1.88"), False, "BEYOND_BEST_N", "COMPLETION"),
    ]


COMPACT = (  # ROWS, as the compact form writes them
    "11,21,,F,3,2,40,P,,P,80,0.8615,0.6144,1,42.35,;,,31,S,,,30,W,,T,15,1,0.5,0.5,3.75,;"
    "12,22,,S,,,1,,C,C,15,0.5,0.25,1,1.88,N"
)
LONG = (
    "11,21,,FEDERAL,3,2,40,PRIZE_WINNER,,PLACE,80,0.8615,0.6144,1,42.35,;"
    ",,31,SCHOOL,,,30,WINNER,,STATUS,15,1,0.5,0.5,3.75,;"
    "12,22,,SCHOOL,,,1,,COMPLETED,COMPLETION,15,0.5,0.25,1,1.88,BEYOND_BEST_N"
)


def _spelled_out(url: str) -> None:
    migrate(url)
    engine = sa.create_engine(_sync(url))
    with engine.begin() as connection:
        connection.execute(
            sa.text("INSERT INTO rating_explanations (entry_id, items) VALUES (7, :t), (8, '')"),
            {"t": COMPACT},
        )
    assert [vars(c) for c in decode(7, COMPACT)] == [vars(c) for c in decode(7, LONG)]
    downgrade(url, "0011")
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT entry_id, items FROM rating_explanations ORDER BY entry_id")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in stored] == [(7, LONG), (8, "")]
    migrate(url)


SCENARIOS = pytest.mark.parametrize(
    "scenario", [_round_trip, _spelled_out], ids=["packed and unpacked", "names spelled out"]
)


@SCENARIOS
def test_on_sqlite(scenario: Callable[[str], None], tmp_path: Path) -> None:
    with fresh_sqlite(tmp_path) as url:
        scenario(url)


@SCENARIOS
def test_on_postgresql(scenario: Callable[[str], None]) -> None:
    with fresh_postgres("talent_explain") as url:
        scenario(url)
