"""What a cached leaderboard page may select.

A cached page is checked, at every hit, against the versions of the boards it read and
the outbox messages committed since it was built (`persistence.queries.rating_cache`).
That check is only sound for data whose every change moves a board or writes such a
message. The schema lets a `leaderboard` query reach much more through `participant`
and `event` — the participant's access log (which every read changes), quality flags,
consents, guardians, an event's registrations or results — so a page is cached only
when every field it selects is in this tree, and served uncached otherwise.

- board data (ranks, points, tiers, explanations, cursors, `frozen`): the board's
  version (closing a season bumps it too);
- a participant's identity and profile (names, nickname, status, region, school,
  grade, e-mail, phone, birth date): `participant.profile_changed`, `.verified`,
  `.erased` and `consent.changed` (which also decide what a viewer may see);
- an event's catalog fields (title, level, dates, directions…): `event.changed`;
- reference data (regions, directions): static.

`age` (it changes with the calendar), `erasureDueAt`, `consents`, `guardians`,
`dataQualityFlags`, `accessLog`, an event's organizer, stages, registrations and
results are left out on purpose.
"""

from __future__ import annotations

from graphql import FieldNode, SelectionSetNode

Tree = dict[str, "Tree | None"]
"""Field name → the tree of its selections (None: a leaf)."""

REGION: Tree = {
    "code": None,
    "isoCode": None,
    "nameRu": None,
    "nameEn": None,
    "federalDistrict": None,
    "name": None,
}
DIRECTION: Tree = {"code": None, "titleRu": None, "titleEn": None, "title": None}
PARTICIPANT: Tree = {
    "id": None,
    "nickname": None,
    "status": None,
    "lastName": None,
    "firstName": None,
    "middleName": None,
    "birthDate": None,
    "region": REGION,
    "school": None,
    "grade": None,
    "email": None,
    "phone": None,
}
EVENT: Tree = {
    "id": None,
    "title": None,
    "description": None,
    "kind": None,
    "level": None,
    "status": None,
    "participation": None,
    "startsOn": None,
    "endsOn": None,
    "isOnline": None,
    "capacity": None,
    "stageOrder": None,
    "region": REGION,
    "directions": {"direction": DIRECTION, "relevance": None},
}
CONTRIBUTION: Tree = {
    "level": None,
    "place": None,
    "ties": None,
    "fieldSize": None,
    "status": None,
    "completion": None,
    "basis": None,
    "levelWeight": None,
    "resultFactor": None,
    "fieldFactor": None,
    "relevance": None,
    "points": None,
    "counted": None,
    "notCountedReason": None,
    "source": None,
    "event": EVENT,
}
ENTRY: Tree = {
    "id": None,
    "season": None,
    "points": None,
    "ranked": None,
    "direction": DIRECTION,
    "participant": PARTICIPANT,
    "rank": None,
    "tier": None,
    "percentile": None,
    "rulesVersion": None,
    "computedAt": None,
    "contributions": CONTRIBUTION,
    "nextTier": {"tier": None, "pointsNeeded": None},
}
LEADERBOARD: Tree = {
    "totalCount": None,
    "rankedCount": None,
    "streamCursor": None,
    "rulesVersion": None,
    "computedAt": None,
    "frozen": None,
    "pageInfo": {
        "hasNextPage": None,
        "hasPreviousPage": None,
        "startCursor": None,
        "endCursor": None,
    },
    "edges": {
        "cursor": None,
        "node": {
            "rank": None,
            "points": None,
            "tier": None,
            "percentile": None,
            "region": REGION,
            "participant": PARTICIPANT,
            "entry": ENTRY,
        },
    },
}


def within(selections: SelectionSetNode | None, allowed: Tree | None) -> bool:
    """Whether every field selected (at any depth) is in the tree; fragments are not."""
    if selections is None:
        return True
    if allowed is None:
        return False  # a selection under a leaf: not ours to judge
    for selection in selections.selections:
        if not isinstance(selection, FieldNode):
            return False  # inline fragments and spreads: not worth the risk
        name = selection.name.value
        if name == "__typename":
            continue
        if name not in allowed or not within(selection.selection_set, allowed[name]):
            return False
    return True
