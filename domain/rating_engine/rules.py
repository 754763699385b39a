"""The rules document (data, not constants): parsed, validated, frozen.

Admins publish new versions as JSON; every entry records the version it was
computed with. Decimals are written as strings in the document so that no
binary float ever touches a factor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import InvalidInput

LEVELS = ("INTERNATIONAL", "FEDERAL", "REGIONAL", "MUNICIPAL", "SCHOOL")
STATUSES = ("WINNER", "PRIZE_WINNER", "FINALIST", "PARTICIPANT")
COMPLETIONS = ("COMPLETED", "DISTINCTION")

DEFAULT_ACHIEVEMENT_RELEVANCE = Decimal(1)
"""Relevance of an approved achievement not linked to a catalog event, for each
direction the moderator approved it for (documents older than the key use it)."""


@dataclass(frozen=True)
class RatingRulesDoc:
    """One version of the rules, exactly as `rating.md` names its parameters."""

    version: int
    level_weights: Mapping[str, Decimal]
    result_base: Decimal
    """factor = base + span × percentile (0.3 + 0.7·p in v1)"""
    result_span: Decimal
    status_factors: Mapping[str, Decimal]
    completion_factors: Mapping[str, Decimal]
    field_reference_size: int
    field_floor: Decimal
    field_cap: Decimal
    typical_sizes: Mapping[str, int]
    best_n: int
    winner_share: Decimal
    prize_winner_share: Decimal
    min_score: Decimal
    achievement_relevance: Decimal = DEFAULT_ACHIEVEMENT_RELEVANCE
    description: str = ""


def _decimal(value: Any, field: str, *, low: Decimal, high: Decimal | None = None) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise InvalidInput(f"`{field}` is a decimal written as a string.", field=field)
    try:
        number = Decimal(str(value))
    except InvalidOperation as error:
        raise InvalidInput(f"`{field}` is not a number.", field=field) from error
    if not number.is_finite() or number < low or (high is not None and number > high):
        bound = f"{low}–{high}" if high is not None else f"at least {low}"
        raise InvalidInput(f"`{field}` must be {bound}.", field=field)
    return number


def _integer(value: Any, field: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"`{field}` is a whole number {low}–{high}.", field=field)
    return value


def _section(document: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = document.get(key)
    if not isinstance(value, Mapping):
        raise InvalidInput(f"The rules need a `{key}` object.", field=key)
    return value


def _table(
    document: Mapping[str, Any], key: str, names: tuple[str, ...], *, high: Decimal | None
) -> dict[str, Decimal]:
    section = _section(document, key)
    missing = [n for n in names if n not in section]
    extra = [n for n in section if n not in names]
    if missing or extra:
        raise InvalidInput(
            f"`{key}` needs exactly {', '.join(names)}"
            + (f" (missing {', '.join(missing)})" if missing else "")
            + (f" (unknown {', '.join(map(str, extra))})" if extra else ""),
            field=key,
        )
    return {n: _decimal(section[n], f"{key}.{n}", low=Decimal(0), high=high) for n in names}


def parse_rules(document: Mapping[str, Any], *, version: int | None = None) -> RatingRulesDoc:
    """Validate a rules document; every mistake names the key at fault."""
    if not isinstance(document, Mapping):
        raise InvalidInput("The rules document is a JSON object.", field="document")
    number = _integer(document.get("version", version), "version", low=1, high=1_000_000)
    if version is not None and number != version:
        raise InvalidInput("The document's `version` differs from its record.", field="version")
    result = _section(document, "result_factor")
    field = _section(document, "field_factor")
    tiers = _section(document, "tiers")
    typical = _section(document, "typical_sizes")
    if sorted(typical) != sorted(LEVELS):
        raise InvalidInput(
            f"`typical_sizes` needs exactly {', '.join(LEVELS)}.", field="typical_sizes"
        )
    floor = _decimal(field.get("floor"), "field_factor.floor", low=Decimal(0), high=Decimal(1))
    cap = _decimal(field.get("cap"), "field_factor.cap", low=Decimal(0), high=Decimal(1))
    if floor > cap:
        raise InvalidInput("`field_factor.floor` cannot exceed the cap.", field="field_factor")
    base = _decimal(result.get("base"), "result_factor.base", low=Decimal(0), high=Decimal(1))
    span = _decimal(result.get("span"), "result_factor.span", low=Decimal(0), high=Decimal(1))
    if base + span > 1:
        raise InvalidInput("`result_factor.base + span` is at most 1.", field="result_factor")
    winner = _decimal(
        tiers.get("winner_share"), "tiers.winner_share", low=Decimal(0), high=Decimal(1)
    )
    prize = _decimal(
        tiers.get("prize_winner_share"), "tiers.prize_winner_share", low=Decimal(0), high=Decimal(1)
    )
    if winner + prize > 1:
        raise InvalidInput("The tier shares add up to at most 1.", field="tiers")
    relevance = document.get("achievement_relevance")
    return RatingRulesDoc(
        version=number,
        level_weights=_table(document, "level_weights", LEVELS, high=Decimal(1000)),
        result_base=base,
        result_span=span,
        status_factors=_table(document, "status_factors", STATUSES, high=Decimal(1)),
        completion_factors=_table(document, "completion_factors", COMPLETIONS, high=Decimal(1)),
        field_reference_size=_integer(
            field.get("reference_size"), "field_factor.reference_size", low=2, high=10_000_000
        ),
        field_floor=floor,
        field_cap=cap,
        typical_sizes={
            n: _integer(typical[n], f"typical_sizes.{n}", low=1, high=10_000_000) for n in LEVELS
        },
        best_n=_integer(document.get("best_n"), "best_n", low=1, high=100),
        winner_share=winner,
        prize_winner_share=prize,
        min_score=_decimal(tiers.get("min_score"), "tiers.min_score", low=Decimal(0)),
        achievement_relevance=DEFAULT_ACHIEVEMENT_RELEVANCE
        if relevance is None
        else _decimal(relevance, "achievement_relevance", low=Decimal(0), high=Decimal(1)),
        description=str(document.get("description", ""))[:2000],
    )


def rules_document(rules: RatingRulesDoc) -> dict[str, Any]:
    """The JSON form of a rules version (the inverse of `parse_rules`)."""
    return {
        "version": rules.version,
        "description": rules.description,
        "level_weights": {k: str(v) for k, v in rules.level_weights.items()},
        "result_factor": {"base": str(rules.result_base), "span": str(rules.result_span)},
        "status_factors": {k: str(v) for k, v in rules.status_factors.items()},
        "completion_factors": {k: str(v) for k, v in rules.completion_factors.items()},
        "field_factor": {
            "reference_size": rules.field_reference_size,
            "floor": str(rules.field_floor),
            "cap": str(rules.field_cap),
        },
        "typical_sizes": dict(rules.typical_sizes),
        "best_n": rules.best_n,
        "tiers": {
            "winner_share": str(rules.winner_share),
            "prize_winner_share": str(rules.prize_winner_share),
            "min_score": str(rules.min_score),
        },
        "achievement_relevance": str(rules.achievement_relevance),
    }
