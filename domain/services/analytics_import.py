"""Use case: import one analytics file (definitions, answers, trials, choices, profiles).

All or nothing: every row is checked first (format, ranges, references), and the file
is applied in one transaction only when no row has a problem; otherwise the outcome
lists every problem with its row and nothing is written. Re-importing the same file
creates nothing and changes nothing (rows are keyed, identical rows are left alone);
a corrected row updates what it names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from domain.analytics_definitions import (
    TestDefinition,
    questionnaire_definitions,
    test_definitions,
)
from domain.analytics_import import (
    OPTIONAL,
    REQUIRED,
    TIME_PREFIX,
    FileFormat,
    ImportKind,
    RawFile,
    check_columns,
    parse_participant_ref,
    read_file,
)
from domain.analytics_import_rows import (
    AnswerLayout,
    References,
    RowErrors,
    answer_rows,
    choice_rows,
    profile_rows,
    trial_rows,
)
from domain.analytics_ports import AnalyticsRepository, Counts
from domain.analytics_records import AnalyticsImport, ImportOutcome
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.policy import Viewer, may_import_analytics
from domain.ports import Clock, UnitOfWork
from domain.quality_exclusions import announce_exclusions

MAX_FILENAME = 255


@dataclass(frozen=True)
class ImportRequest:
    kind: ImportKind
    content: str
    filename: str
    format: FileFormat
    target: str | None = None  # questionnaire or test code for RESPONSES / ATTEMPTS


async def import_analytics(
    uow: UnitOfWork, viewer: Viewer, clock: Clock, request: ImportRequest
) -> ImportOutcome:
    if not may_import_analytics(viewer):
        raise Forbidden("Only moderators and admins import analytics data.")
    raw = read_file(request.content, request.format)
    async with uow:
        repo = uow.analytics
        errors = RowErrors()
        layout, instrument_id, linked_test = await _layout(uow, request, raw)
        refs = References(
            seasons=await repo.known_seasons(),
            regions=await repo.known_regions(),
            professions=await repo.known_professions(),
            participants=await repo.existing_participants(_participant_ids(raw)),
        )
        now = clock.now()
        counts = Counts()
        kind = request.kind
        affected: frozenset[int] = frozenset()  # whose rating inputs the file changes
        if kind is ImportKind.QUESTIONNAIRE:
            drafts = questionnaire_definitions(raw, errors)
            if not errors.problems:
                for draft in drafts:
                    counts += await repo.save_questionnaire(draft, now)
        elif kind is ImportKind.TEST:
            tests = test_definitions(raw, errors)
            await _check_events(repo, tests, errors)
            if not errors.problems:
                for test in tests:
                    found_t = await repo.knowledge_test(test.code)
                    linked_before = found_t[0].event_id if found_t is not None else None
                    counts += await repo.save_test(test, now)
                    if found_t is not None and linked_before != test.event_id:
                        assert found_t[0].id is not None  # its flags now count elsewhere
                        affected |= await repo.flagged_participants(found_t[0].id)
        elif kind in (ImportKind.RESPONSES, ImportKind.ATTEMPTS):
            assert layout is not None and instrument_id is not None
            answers = answer_rows(raw, layout, refs, errors)
            if not errors.problems:
                upsert = (
                    repo.upsert_responses if kind is ImportKind.RESPONSES else repo.upsert_attempts
                )
                # changed answers drop their flags: those participants' results count again
                flagged = await repo.flagged_participants(instrument_id) if linked_test else None
                counts = await upsert(instrument_id, answers, now)
                if flagged:
                    affected = flagged - await repo.flagged_participants(instrument_id)
        elif kind is ImportKind.TRIALS:
            trials = trial_rows(raw, refs, errors)
            if not errors.problems:
                counts = await repo.upsert_trials(trials, now)
        elif kind is ImportKind.CHOICES:
            choices = choice_rows(raw, refs, errors)
            if not errors.problems:
                counts = await repo.replace_choices(choices, now)
        else:
            profiles = profile_rows(raw, refs, errors)
            if not errors.problems:
                counts = await repo.upsert_profiles(profiles, now)
        if errors.problems:
            problems = tuple(sorted(errors.problems, key=lambda p: p.row))
            return ImportOutcome(kind.value, len(raw.rows), applied=False, problems=problems)
        record = AnalyticsImport(
            kind=kind.value,
            target_code=request.target,
            filename=request.filename[:MAX_FILENAME] or "upload",
            format=request.format.value,
            sha256=hashlib.sha256(request.content.encode("utf-8")).hexdigest(),
            total_rows=len(raw.rows),
            created_rows=counts.created,
            updated_rows=counts.updated,
            unchanged_rows=counts.unchanged,
            uploaded_by_account_id=viewer.account_id,
            created_at=now,
        )
        repo.add_import(record)
        if counts.created or counts.updated:
            await repo.bump_revision()
        announce_exclusions(uow, affected, now)
        await uow.commit()
        return ImportOutcome(
            kind.value,
            len(raw.rows),
            applied=True,
            created=counts.created,
            updated=counts.updated,
            unchanged=counts.unchanged,
            import_id=record.id,
        )


async def _check_events(
    repo: AnalyticsRepository, tests: list[TestDefinition], errors: RowErrors
) -> None:
    named = {t.event_id for t in tests if t.event_id is not None}
    known = await repo.existing_events(named) if named else frozenset()
    for test in tests:
        if test.event_id is not None and test.event_id not in known:
            errors.add(test.first_row, f"column 'event': no event {test.event_id}")


def _participant_ids(raw: RawFile) -> set[int]:
    ids = {parse_participant_ref(r.cells.get("participant")) for r in raw.rows}
    return {i for i in ids if i is not None}


async def _layout(
    uow: UnitOfWork, request: ImportRequest, raw: RawFile
) -> tuple[AnswerLayout | None, int | None, bool]:
    """Check the columns; for answers, find the questionnaire or test they belong to,
    and whether it is a test that names its event (its attempts' flags then matter to
    the rating, `domain.quality_exclusions`)."""
    kind = request.kind
    if kind not in (ImportKind.RESPONSES, ImportKind.ATTEMPTS):
        check_columns(raw, REQUIRED[kind], OPTIONAL.get(kind, ()))
        return None, None, False
    if not request.target:
        what = "questionnaire" if kind is ImportKind.RESPONSES else "test"
        raise InvalidInput(f"Name the {what} the answers belong to.", field="target")
    if kind is ImportKind.RESPONSES:
        found_q = await uow.analytics.questionnaire(request.target)
        if found_q is None:
            raise NotFound(f"No questionnaire {request.target!r}.", field="target")
        questionnaire, q_items = found_q
        codes = tuple(i.code for i in q_items)
        low = (questionnaire.scale_min,) * len(codes)
        high = (questionnaire.scale_max,) * len(codes)
        instrument_id = questionnaire.id
        linked = False
    else:
        found_t = await uow.analytics.knowledge_test(request.target)
        if found_t is None:
            raise NotFound(f"No test {request.target!r}.", field="target")
        test, t_items = found_t
        codes = tuple(i.code for i in t_items)
        low = (1,) * len(codes)
        high = tuple(i.option_count for i in t_items)
        instrument_id = test.id
        linked = test.event_id is not None
    if raw.format is FileFormat.CSV:
        times = tuple(f"{TIME_PREFIX}{c}" for c in codes)
        with_times = any(c in raw.columns for c in times)
        check_columns(raw, (*REQUIRED[kind], *codes, *(times if with_times else ())))
    else:
        check_columns(raw, REQUIRED[kind], ("answers", "times"))
    return AnswerLayout(codes, low, high), instrument_id, linked
