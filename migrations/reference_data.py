"""Readers for the reference data files shipped in `migrations/data/`.

Migrations load these; keeping the readers here (not in the migration scripts)
lets the tests check the files with the very code that loads them.
"""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def regions() -> list[dict[str, Any]]:
    return [
        {
            "code": row["code"],
            "iso_code": row["iso_code"] or None,
            "name_ru": row["name_ru"],
            "name_en": row["name_en"],
            "federal_district": row["federal_district"],
            "grid_row": int(row["grid_row"]),
            "grid_col": int(row["grid_col"]),
        }
        for row in read_csv("regions.csv")
    ]


def professions() -> list[dict[str, Any]]:
    return [
        {
            "code": row["code"],
            "title_ru": row["title_ru"],
            "title_en": row["title_en"],
            "sphere": row["sphere"],
            "is_digital": row["is_digital"].strip().lower() == "true",
        }
        for row in read_csv("professions.csv")
    ]


def directions() -> list[dict[str, str]]:
    return read_csv("directions.csv")


def seasons() -> list[dict[str, Any]]:
    return [
        {
            "code": row["code"],
            "starts_on": date.fromisoformat(row["starts_on"]),
            "ends_on": date.fromisoformat(row["ends_on"]),
        }
        for row in read_csv("seasons.csv")
    ]


def consent_documents() -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = json.loads(
        (DATA_DIR / "consent_documents.json").read_text(encoding="utf-8")
    )
    for document in documents:
        document["sha256"] = hashlib.sha256(document["text"].encode("utf-8")).hexdigest()
    return documents


def rating_rules_v1() -> dict[str, Any]:
    rules: dict[str, Any] = json.loads(
        (DATA_DIR / "rating_rules_v1.json").read_text(encoding="utf-8")
    )
    return rules
