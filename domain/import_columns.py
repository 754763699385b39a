"""The columns of an import file: canonical names, the aliases organizers use, and
the words they write for statuses. Documented in `docs/imports.md`; keep in step."""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from domain.results import CompletionGrade, ResultStatus


class Column(StrEnum):
    PARTICIPANT_ID = "participant_id"
    EMAIL = "email"
    LAST_NAME = "last_name"
    FIRST_NAME = "first_name"
    MIDDLE_NAME = "middle_name"
    BIRTH_DATE = "birth_date"
    STATUS = "status"
    SCORE = "score"
    MAX_SCORE = "max_score"
    PLACE = "place"
    TEAM = "team"
    COMPLETION = "completion"


COLUMN_ALIASES: dict[Column, tuple[str, ...]] = {
    Column.PARTICIPANT_ID: ("participant_id", "platform_id", "id", "id участника", "ид"),
    Column.EMAIL: ("email", "e-mail", "mail", "почта", "электронная почта", "эл. почта"),
    Column.LAST_NAME: ("last_name", "surname", "family_name", "фамилия"),
    Column.FIRST_NAME: ("first_name", "name", "given_name", "имя"),
    Column.MIDDLE_NAME: ("middle_name", "patronymic", "отчество"),
    Column.BIRTH_DATE: ("birth_date", "birthdate", "date_of_birth", "дата рождения", "др"),
    Column.STATUS: ("status", "result", "статус", "результат", "диплом"),
    Column.SCORE: ("score", "points", "баллы", "балл", "количество баллов"),
    Column.MAX_SCORE: ("max_score", "max", "максимум", "макс. балл", "максимальный балл"),
    Column.PLACE: ("place", "rank", "место"),
    Column.TEAM: ("team", "команда"),
    Column.COMPLETION: ("completion", "завершение", "итог курса"),
}
"""Header names each column accepts (compared ignoring case, spaces, punctuation, ё/е)."""

STATUS_ALIASES: dict[str, ResultStatus] = {
    "winner": ResultStatus.WINNER,
    "победитель": ResultStatus.WINNER,
    "prizewinner": ResultStatus.PRIZE_WINNER,
    "prize": ResultStatus.PRIZE_WINNER,
    "призер": ResultStatus.PRIZE_WINNER,
    "finalist": ResultStatus.FINALIST,
    "финалист": ResultStatus.FINALIST,
    "participant": ResultStatus.PARTICIPANT,
    "участник": ResultStatus.PARTICIPANT,
}
COMPLETION_ALIASES: dict[str, CompletionGrade] = {
    "completed": CompletionGrade.COMPLETED,
    "завершил": CompletionGrade.COMPLETED,
    "пройден": CompletionGrade.COMPLETED,
    "distinction": CompletionGrade.DISTINCTION,
    "сотличием": CompletionGrade.DISTINCTION,
}


def squash(value: str) -> str:
    """Lower case, ё→е, and nothing but letters and digits: `Дата рождения` ≡ `дата_рождения`."""
    return re.sub(r"[\W_]+", "", value.lower().replace("ё", "е"))


_HEADER_INDEX = {
    squash(alias): column for column, names in COLUMN_ALIASES.items() for alias in names
}


@lru_cache(maxsize=1024)
def column_for(header: str) -> Column | None:
    """Cached: a file repeats its dozen header names on every row."""
    return _HEADER_INDEX.get(squash(header))
