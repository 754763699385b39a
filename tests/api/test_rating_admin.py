"""Admins' rating operations over HTTP: recompute (which finds nothing to change
after the incremental updates), rules versions, season close with diplomas as
signed credentials, their verification online and offline, and revocation."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from domain.events import EventLevel
from migrations.reference_data import rating_rules_v1
from tests.support.graphql import GraphQLClient
from tests.support.privacy import mutate
from tests.support.ratings import (
    BOARD,
    approved_achievement,
    event_with_results,
    eventually,
)

DIRECTION = "ROBOTICS_PROGRAMMING"
RECOMPUTE = """mutation($input: RecomputeRatingsInput!) { recomputeRatings(input: $input) {
  boards { direction changes batchId } userErrors { field code message } } }"""
PUBLISH = """mutation($input: PublishRatingRulesInput!) { publishRatingRules(input: $input) {
  rules { version document } userErrors { field code message } } }"""
CLOSE = """mutation($input: CloseSeasonInput!) { closeSeason(input: $input) {
  season boards diplomasIssued userErrors { field code message } } }"""
REVOKE_DIPLOMA = """mutation($input: RevokeDiplomaInput!) { revokeDiploma(input: $input) {
  diploma { number status revocationReason } userErrors { field code message } } }"""
DIPLOMAS = """query($p: ID!) { participantDiplomas(participantId: $p) {
  number season direction tier rank rankedCount points status credential } }"""
VERIFY = """query($t: String!) { verifyDiploma(token: $t) { status holder
  diploma { number tier status revokedAt } } }"""
STATUS = "query($n: String!) { diploma(number: $n) { number status credential } }"


async def _world(state: Any, live_server: Any, client: GraphQLClient) -> dict[str, Any]:
    world = await event_with_results(
        state, live_server.url, client, title="Чемпионат", level=EventLevel.MUNICIPAL, students=4
    )
    season, moderator, admin, people = world.season, world.moderator, world.admin, world.people
    await approved_achievement(
        client, people[0].token, moderator, achieved_on=f"{season[:4]}-11-01", level="FEDERAL"
    )
    board = await eventually(
        lambda: client.query(BOARD, {"s": season, "d": DIRECTION}, token=admin),
        lambda r: (
            (edges := r.ok()["leaderboard"]["edges"]) != []
            and float(edges[0]["node"]["points"]) > 80
        ),
    )
    assert float(board.ok()["leaderboard"]["edges"][0]["node"]["points"]) > 80
    return {"season": season, "admin": admin, "moderator": moderator, "people": people}


async def test_recompute_finds_nothing_the_incremental_updates_missed(
    state: Any, live_server: Any, client: GraphQLClient
) -> None:
    world = await _world(state, live_server, client)
    args = {"input": {"season": world["season"], "directions": [DIRECTION]}}
    denied = (await client.query(RECOMPUTE, args, token=world["moderator"])).ok()
    assert denied["recomputeRatings"]["userErrors"][0]["code"] == "FORBIDDEN"
    anonymous = (await client.query(RECOMPUTE, args)).ok()["recomputeRatings"]
    assert anonymous["userErrors"][0]["code"] == "UNAUTHENTICATED"
    done = (await client.query(RECOMPUTE, args, token=world["admin"])).ok()["recomputeRatings"]
    assert done == {
        "boards": [{"direction": DIRECTION, "changes": 0, "batchId": None}],
        "userErrors": [],
    }
    unknown = {"input": {"season": world["season"], "directions": ["NOPE"]}}
    bad = (await client.query(RECOMPUTE, unknown, token=world["admin"])).ok()["recomputeRatings"]
    assert bad["userErrors"][0]["field"] == "direction"


async def test_rules_versions_are_validated_and_apply_on_recompute(
    state: Any, live_server: Any, client: GraphQLClient
) -> None:
    world = await _world(state, live_server, client)
    admin = world["admin"]
    document = {k: v for k, v in rating_rules_v1().items() if k != "version"}
    broken = {**document, "best_n": 0}
    refused = (await client.query(PUBLISH, {"input": {"document": broken}}, token=admin)).ok()
    assert refused["publishRatingRules"]["userErrors"][0]["field"] == "best_n"
    student = world["people"][1].token
    denied = (await client.query(PUBLISH, {"input": {"document": document}}, token=student)).ok()
    assert denied["publishRatingRules"]["userErrors"][0]["code"] == "FORBIDDEN"
    one = {**document, "best_n": 1}
    published = (await client.query(PUBLISH, {"input": {"document": one}}, token=admin)).ok()
    rules = published["publishRatingRules"]["rules"]
    assert rules["document"]["best_n"] == 1
    try:
        args = {"input": {"season": world["season"], "directions": [DIRECTION]}}
        assert not (await client.query(RECOMPUTE, args, token=admin)).ok()["recomputeRatings"][
            "userErrors"
        ]
        board = (await client.query(BOARD, {"s": world["season"], "d": DIRECTION})).ok()
        top = board["leaderboard"]
        assert top["rulesVersion"] == rules["version"]
        assert top["edges"][0]["node"]["points"] == "80.00"  # only the best item counts now
    finally:  # later recomputations use the v1 numbers again
        again = (await client.query(PUBLISH, {"input": {"document": document}}, token=admin)).ok()
        assert not again["publishRatingRules"]["userErrors"]


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_offline(token: str, jwks: dict[str, Any]) -> dict[str, Any]:
    """What anyone can do with the published keys and no call to the platform."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    header = json.loads(_b64(header_b64))
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    assert header["alg"] == "ES256"
    numbers = ec.EllipticCurvePublicNumbers(
        int.from_bytes(_b64(jwk["x"]), "big"), int.from_bytes(_b64(jwk["y"]), "big"), ec.SECP256R1()
    )
    signature = _b64(signature_b64)
    der = encode_dss_signature(
        int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    )
    numbers.public_key().verify(
        der, f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256())
    )
    return dict(json.loads(_b64(payload_b64)))


async def test_season_close_issues_verifiable_and_revocable_diplomas(
    state: Any, live_server: Any, client: GraphQLClient
) -> None:
    world = await _world(state, live_server, client)
    admin, season = world["admin"], world["season"]
    winner, other = world["people"][0], world["people"][1]
    closed = (await client.query(CLOSE, {"input": {"season": season}}, token=admin)).ok()
    # 4 ranked: floor(4 × 0.25) = 1 prize-winner place, and no room for a winner
    assert closed["closeSeason"]["diplomasIssued"] == 1
    board = (await client.query(BOARD, {"s": season, "d": DIRECTION})).ok()["leaderboard"]
    assert board["frozen"]
    again = (await client.query(CLOSE, {"input": {"season": season}}, token=admin)).ok()
    assert again["closeSeason"]["userErrors"][0]["code"] == "CONFLICT"
    recompute = {"input": {"season": season}}
    frozen = (await client.query(RECOMPUTE, recompute, token=admin)).ok()["recomputeRatings"]
    assert frozen["userErrors"][0]["code"] == "CONFLICT"

    (diploma,) = (await client.query(DIPLOMAS, {"p": winner.gid}, token=winner.token)).ok()[
        "participantDiplomas"
    ]
    assert (diploma["tier"], diploma["rank"], diploma["rankedCount"]) == ("PRIZE_WINNER", 1, 4)
    assert diploma["status"] == "VALID" and diploma["credential"]
    token = diploma["credential"]
    async with httpx.AsyncClient(base_url=live_server.url) as http:
        jwks = (await http.get("/.well-known/jwks.json")).json()
    claims = verify_offline(token, jwks)
    assert claims["diploma"]["number"] == diploma["number"]
    assert claims["diploma"]["holder"].startswith(winner.last_name)

    checked = (await client.query(VERIFY, {"t": token})).ok()["verifyDiploma"]
    assert checked["status"] == "VALID" and checked["holder"].startswith(winner.last_name)
    head, _body, signature = token.split(".")
    forged_body = (
        base64.urlsafe_b64encode(
            json.dumps({**claims, "diploma": {**claims["diploma"], "tier": "WINNER"}}).encode()
        )
        .decode()
        .rstrip("=")
    )
    for bad in (f"{head}.{forged_body}.{signature}", "not.a.token", token[:-4] + "AAAA"):
        assert (await client.query(VERIFY, {"t": bad})).ok()["verifyDiploma"] == {
            "status": "INVALID",
            "holder": None,
            "diploma": None,
        }
    public = (await client.query(STATUS, {"n": diploma["number"]})).ok()["diploma"]
    assert public == {"number": diploma["number"], "status": "VALID", "credential": None}
    assert (await client.query(DIPLOMAS, {"p": winner.gid}, token=other.token)).ok()[
        "participantDiplomas"
    ] == []

    reason = {"number": diploma["number"], "reason": "Результат аннулирован организатором"}
    denied = await mutate(client, REVOKE_DIPLOMA, world["moderator"], **reason)
    assert denied["userErrors"][0]["code"] == "FORBIDDEN"
    revoked = await mutate(client, REVOKE_DIPLOMA, admin, **reason)
    assert revoked["diploma"]["status"] == "REVOKED"
    checked = (await client.query(VERIFY, {"t": token})).ok()["verifyDiploma"]
    assert checked["status"] == "REVOKED" and checked["diploma"]["revokedAt"]
    verify_offline(token, jwks)  # the signature stays valid: only the status check knows
