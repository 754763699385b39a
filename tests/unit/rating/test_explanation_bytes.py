"""The full recompute's numpy-assembled explanation text equals what the item-by-item
encoder writes for the same selections, byte for byte (and both decode alike)."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings

from persistence.rating_store.explanation_bytes import copy_lines, digits
from persistence.rating_store.explanations import decode, encode, encode_columns
from tests.unit.rating.test_columns_equal_exact import Season, column_boards, seasons


def test_digits_of_numbers_of_every_length() -> None:
    values = np.array([0, 7, 10, 99, 100, 123456789, 10**18 - 1, 10**18], dtype=np.int64)
    matrix, lengths = digits(values, blank_zero=True, then=b",")
    got = [bytes(row[:n]) for row, n in zip(matrix, lengths, strict=True)]
    assert got == [b","] + [f"{v},".encode() for v in values.tolist()[1:]]
    matrix, lengths = digits(values[:1], blank_zero=False)
    assert bytes(matrix[0][: lengths[0]]) == b"0"


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
