"""The full recompute's numpy-assembled explanation text equals what the item-by-item
encoder writes for the same selections, byte for byte (and both decode alike); the
compact stored form (one-letter names, decimals without trailing zeros) decodes to
exactly the contributions the earlier long form gave."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal

import numpy as np
from hypothesis import HealthCheck, given, settings

from domain.events import EventLevel
from domain.rating_engine.pricing import Basis
from domain.rating_engine.selection import NotCounted, Selection
from domain.ratings import RatingContribution
from domain.results import CompletionGrade, ResultStatus
from persistence.rating_store.explanation_bytes import copy_lines, digits
from persistence.rating_store.explanations import (
    BASES_SHORT,
    COMPLETIONS,
    LEVELS,
    REASONS,
    STATUSES,
    decode,
    encode,
    encode_columns,
)
from tests.unit.rating.test_columns_equal_exact import Season, column_boards, seasons


def test_digits_of_numbers_of_every_length() -> None:
    values = np.array([0, 7, 10, 99, 100, 123456789, 10**18 - 1, 10**18], dtype=np.int64)
    matrix, skip = digits(values, blank_zero=True, then=b",")
    got = [bytes(row[n:]) for row, n in zip(matrix, skip, strict=True)]
    assert got == [b","] + [f"{v},".encode() for v in values.tolist()[1:]]
    assert matrix.shape[1] == 20  # as wide as the longest number and the comma
    matrix, skip = digits(values[:1], blank_zero=False)
    assert bytes(matrix[0][skip[0] :]) == b"0"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seasons())
def test_copy_text_equals_the_item_encoder(season: Season) -> None:
    for _, everyone, _ in column_boards(season):
        some = everyone.restricted(frozenset(list(everyone)[::2]))
        for chosen in (everyone, some):
            held = chosen.participants[chosen.positions()].tolist()
            entry_ids = np.array([10_000 + 7 * pid for pid in held], dtype=np.int64)
            got = b"".join(copy_lines(chosen, entry_ids)).decode()
            assert b"".join(copy_lines(chosen, entry_ids, chunk_items=5)).decode() == got
            expected = "".join(f"{10_000 + 7 * pid}\t{encode(chosen[pid])}\n" for pid in held)
            assert got == expected
            assert dict(encode_columns(chosen)) == {pid: encode(chosen[pid]) for pid in held}
            for pid, line in zip(held, got.splitlines(), strict=True):
                entry, text = line.split("\t")
                decoded = decode(int(entry), text)
                assert [(c.result_id, c.achievement_id, c.points) for c in decoded] == [
                    (i.result_id, i.achievement_id, i.points) for i in chosen[pid].items
                ]


def _long(selection: Selection) -> str:
    """The stored form before the compact one (migration 0012): full names, decimals
    as the pricing holds them."""

    def text(value: object) -> str:
        return "" if value is None else str(value)

    return ";".join(
        f"{text(i.event_id)},{text(i.result_id)},{text(i.achievement_id)},{i.level},"
        f"{text(i.place)},{text(i.ties)},{i.shown.field_size},{text(i.status)},"
        f"{text(i.completion)},{i.basis},{i.level_weight},{i.result_factor},"
        f"{i.field_factor},{i.relevance},{i.points},{text(reason)}"
        for i, reason in zip(selection.items, selection.reasons, strict=True)
    )


def _shown(contribution: RatingContribution) -> dict[str, str]:
    return {name: repr(value) for name, value in asdict(contribution).items()}


def test_every_name_has_its_letter() -> None:
    for codes, names in (
        (LEVELS, EventLevel),
        (STATUSES, ResultStatus),
        (COMPLETIONS, CompletionGrade),
        (BASES_SHORT, Basis),
        (REASONS, NotCounted),
    ):
        assert set(codes) == {n.value for n in names}
        assert len(set(codes.values())) == len(codes)
        assert all(len(c) == 1 and c not in ",;" for c in codes.values())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seasons())
def test_the_compact_form_reads_as_the_long_one(season: Season) -> None:
    for _, everyone, _ in column_boards(season):
        for pid in everyone:
            selection = everyone[pid]
            compact, long = encode(selection), _long(selection)
            assert len(compact) < len(long) or not selection.items
            got = [_shown(c) for c in decode(pid, compact)]
            assert got == [_shown(c) for c in decode(pid, long)]  # the text, not just the value
            assert [c["result_factor"] for c in got] == [
                repr(i.result_factor.quantize(Decimal("0.0001"))) for i in selection.items
            ]
