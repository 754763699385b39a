"""The admins' rating use cases: publish rules, recompute, close a season (freeze
and issue diplomas), revoke a diploma; and anyone's diploma verification."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.diplomas import CredentialSigner, DiplomaStatus, status_of
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from domain.policy import Viewer, may_manage_ratings
from domain.ports import Clock
from domain.rating_engine.ports import RatingStore, WriteOutcome
from domain.rating_engine.rules import RatingRulesDoc, parse_rules, rules_document
from domain.ratings import Diploma
from domain.reference import season_bounds
from domain.services.rating_recompute import Progress, recompute_season

Stores = Callable[[], RatingStore]


def _admin(viewer: Viewer) -> int:
    if viewer.account_id is None:
        raise Unauthenticated("Sign in first.")
    if not may_manage_ratings(viewer):
        raise Forbidden("Only admins manage ratings.")
    return viewer.account_id


async def publish_rules(
    stores: Stores, viewer: Viewer, document: Mapping[str, Any], clock: Clock
) -> RatingRulesDoc:
    """A new version, numbered after the latest; boards switch to it on their next
    full recomputation (a board never mixes versions)."""
    account = _admin(viewer)
    async with stores() as store:
        expected = await store.latest_rules_version() + 1
        given = document.get("version", expected) if isinstance(document, Mapping) else None
        if given != expected:
            raise InvalidInput(f"The next rules version is {expected}.", field="version")
        rules = parse_rules({**document, "version": expected})
        await store.publish_rules(rules_document(rules), account, clock.now())
        await store.commit()
    return rules


async def recompute(
    stores: Stores,
    viewer: Viewer,
    season: str,
    directions: Sequence[str] | None,
    clock: Clock,
    progress: Progress | None = None,
) -> list[WriteOutcome]:
    _admin(viewer)
    return await recompute_as_operator(stores, season, directions, clock, progress)


async def recompute_as_operator(
    stores: Stores,
    season: str,
    directions: Sequence[str] | None,
    clock: Clock,
    progress: Progress | None = None,
) -> list[WriteOutcome]:
    """The CLI runs as the operator (who has the database anyway)."""
    season_bounds(season)
    async with stores() as store:
        if progress is None:
            outcomes = await recompute_season(store, season, directions, clock.now())
        else:
            outcomes = await recompute_season(store, season, directions, clock.now(), progress)
        await store.commit()
    return outcomes


@dataclass(frozen=True)
class SeasonClosed:
    season: str
    boards: int
    diplomas: int


async def close_season(stores: Stores, viewer: Viewer, season: str, clock: Clock) -> SeasonClosed:
    """A last full recomputation, then the standings freeze and diplomas are issued,
    all in one transaction."""
    _admin(viewer)
    season_bounds(season)
    async with stores() as store:
        if season not in await store.open_seasons():
            raise Conflict(f"Season {season} is already closed (or unknown).", field="season")
        now = clock.now()
        await recompute_season(store, season, None, now)
        boards = await store.freeze_season(season, now)
        issued = await store.issue_diplomas(season, now)
        await store.commit()
    return SeasonClosed(season, len(boards), issued)


async def revoke_diploma(
    stores: Stores, viewer: Viewer, number: str, reason: str, clock: Clock
) -> Diploma:
    account = _admin(viewer)
    reason = " ".join(reason.split())
    if not 3 <= len(reason) <= 2000:
        raise InvalidInput("Say why, in 3 to 2,000 characters.", field="reason")
    async with stores() as store:
        found = await store.revoke_diploma(number, account, reason, clock.now())
        if found is None:
            raise NotFound("No such diploma.", field="number")
        await store.commit()
    return found


async def verify_diploma(
    find: Callable[[str], Awaitable[Diploma | None]], signer: CredentialSigner, token: str
) -> tuple[DiplomaStatus, Diploma | None, dict[str, Any] | None]:
    """Signature first (the offline part), then the diploma's current status."""
    claims = signer.verify(token) if len(token) <= 8192 else None
    if claims is None:
        return DiplomaStatus.INVALID, None, None
    number = str((claims.get("diploma") or {}).get("number", ""))
    diploma = await find(number) if number else None
    status = status_of(diploma, claims)
    return status, diploma if status is not DiplomaStatus.INVALID else None, claims
