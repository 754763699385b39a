"""The permission rules as data: one table per type that carries personal data.

Each table reads like the one in `docs/permissions.md` (generated from it by
`python -m domain.policy_doc`): a row per field, a column per relation of the
viewer to the row, and the row scope of each relation. `domain.policy`
evaluates these tables; nothing else decides who sees what.
"""

from __future__ import annotations

from domain.consents import ConsentPurpose
from domain.policy_rules import Y_, C, N, Relation, TypePolicy, Y, table

PROC = ConsentPurpose.PROCESSING
PUB = ConsentPurpose.PUBLICATION
CONTACT = ConsentPurpose.CONTACT_SHARING

S, G, W, ST, U, ORG, P = (
    Relation.SELF,
    Relation.GUARDIAN,
    Relation.WARD,
    Relation.STAFF,
    Relation.UNIVERSITY,
    Relation.ORGANIZER,
    Relation.PUBLIC,
)
OWNERS = (S, G, ST)

PARTICIPANT = table(
    "Participant",
    (S, G, ST, U, ORG, P),
    {
        S: "itself",
        G: "its wards with a `CONFIRMED` link",
        ST: "everyone",
        U: "those whose `PROCESSING` and `UNIVERSITY_SHARING` (covering this university) "
        "consents are in force; others only as public rows",
        ORG: "those with a registration or a result in its own events; others only as public rows",
        P: "through the public leaderboard only, never by `participant(id:)` or `node(id:)`",
    },
    [
        ("id nickname status", (Y, Y, Y, Y, Y, Y), False),
        ("lastName firstName middleName", (Y, Y, Y, Y, C(PROC), C(PROC, PUB))),
        ("birthDate", (Y, Y, Y, N, C(PROC), N)),
        ("age", (Y, Y, Y, Y, C(PROC), N)),
        ("region", (Y, Y, Y, Y, C(PROC), C(PROC, PUB))),
        ("school grade", (Y, Y, Y, Y, C(PROC), N)),
        ("email phone", (Y, Y, Y, C(CONTACT), C(PROC), N)),
        ("erasureDueAt", (Y, Y, Y, N, N, N), False),
        ("guardians consents consentHistory", (Y, Y, Y, N, N, N)),
        ("results", (Y, Y, Y, Y, Y_("own events"), N)),
        ("achievements", (Y, Y, Y, Y_("`APPROVED` only, no evidence files"), N, N)),
        ("ratings", (Y, Y, Y, Y, N, Y_("rank/points only"))),
        ("recommendations", (Y, Y, N, N, N, N)),
        ("accessLog", (Y, Y, Y, N, N, N)),
        ("dataQualityFlags", (N, N, Y, N, N, N)),
    ],
)

GUARDIAN = table(
    "Guardian",
    (S, W, ST),
    {
        S: "its own record",
        W: "a participant with a `PENDING` or `CONFIRMED` link to it",
        ST: "everyone",
    },
    [
        ("id", (Y, Y, Y), False),
        ("lastName firstName middleName", (Y, Y, Y), False),
        ("email phone", (Y, N, Y), False),
        ("links", (Y, N, Y), False),
    ],
)

GUARDIAN_LINK = table(
    "GuardianLink",
    OWNERS,
    {
        S: "links of the participant itself",
        G: "links it is the guardian of (any status), and every link of its confirmed wards",
        ST: "everyone",
    },
    [
        ("id relation status createdAt decidedAt endedAt comment", (Y, Y, Y), False),
        ("participant guardian", (Y, Y, Y)),
    ],
    log_as="guardians",
)

CONSENT = table(
    "Consent",
    OWNERS,
    {S: "its own consents", G: "consents of its confirmed wards", ST: "everyone"},
    [
        (
            "id purpose status document givenBy method allUniversities universities "
            "participantAgreed guardianAgreed awaiting createdAt grantedAt expiresAt revokedAt "
            "participant",
            (Y, Y, Y),
        ),
    ],
    log_as="consents",
)

CONSENT_HISTORY = table(
    "ConsentHistoryEntry",
    OWNERS,
    {S: "its own history", G: "the history of its confirmed wards", ST: "everyone"},
    [("id purpose action actor at consent participant", (Y, Y, Y))],
    log_as="consentHistory",
)

RESULT = table(
    "Result",
    (S, G, ST, U, ORG),
    {
        S: "its own results",
        G: "results of its confirmed wards",
        ST: "everyone",
        U: "results of participants it reaches",
        ORG: "results in its own events",
    },
    [("id event participant status score maxScore place team completion", (Y, Y, Y, Y, Y))],
    log_as="results",
)

ACHIEVEMENT = table(
    "Achievement",
    (S, G, ST, U),
    {
        S: "its own claims",
        G: "claims of its confirmed wards",
        ST: "everyone",
        U: "`APPROVED` claims of participants it reaches",
    },
    [
        (
            "id title description kind level resultStatus achievedOn status event directions "
            "submittedAt participant",
            (Y, Y, Y, Y),
        ),
        ("evidence", (Y, Y, Y, Y_("links only"))),
        ("decisionComment decidedAt transitions", (Y, Y, Y, N)),
    ],
    log_as="achievements",
)

EVIDENCE = table(
    "Evidence",
    (S, G, ST, U),
    {
        S: "its own evidence",
        G: "evidence of its confirmed wards",
        ST: "everyone",
        U: "links (not files) of `APPROVED` claims it reaches",
    },
    [
        ("id kind url createdAt", (Y, Y, Y, Y)),
        ("filename contentType sizeBytes sha256 downloadUrl", (Y, Y, Y, N)),
    ],
    log_as="achievements",
)

RATING_ENTRY = table(
    "RatingEntry",
    (S, G, ST, U, ORG, P),
    {
        S: "its own entries",
        G: "entries of its confirmed wards",
        ST: "everyone",
        U: "every leaderboard row (identity per the Participant rules)",
        ORG: "every leaderboard row, as the public sees it",
        P: "every leaderboard row (identity only with `PUBLICATION`)",
    },
    [
        ("id season direction participant rank points", (Y, Y, Y, Y, Y, Y), False),
        (
            "ranked percentile tier rulesVersion computedAt contributions nextTier",
            (Y, Y, Y, Y, N, N),
        ),
    ],
    log_as="ratings",
)

RATING_CONTRIBUTION = table(
    "RatingContribution",
    (S, G, ST, U),
    {
        S: "its own",
        G: "its confirmed wards'",
        ST: "everyone",
        U: "those of participants it reaches",
    },
    [
        (
            "id event result achievement level place fieldSize status levelWeight "
            "resultFactor fieldFactor relevance points counted",
            (Y, Y, Y, Y),
        )
    ],
    log_as="ratings",
)

ACCESS_LOG_ENTRY = table(
    "AccessLogEntry",
    OWNERS,
    {
        S: "who read its own data",
        G: "who read its confirmed wards' data",
        ST: "everyone (admins also through the `accessLog` query)",
    },
    [
        ("id at operation fields viewerRole viewerOrganization participant", (Y, Y, Y), False),
        ("viewerAccount", (N, N, Y), False),
    ],
    log_as="accessLog",
)

POLICIES: dict[str, TypePolicy] = {
    p.name: p
    for p in (
        PARTICIPANT,
        GUARDIAN,
        GUARDIAN_LINK,
        CONSENT,
        CONSENT_HISTORY,
        RESULT,
        ACHIEVEMENT,
        EVIDENCE,
        RATING_ENTRY,
        RATING_CONTRIBUTION,
        ACCESS_LOG_ENTRY,
    )
}
"""Every type that carries personal data, by GraphQL type name."""
