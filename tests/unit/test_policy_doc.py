"""`docs/permissions.md` is generated from the policy: the two never disagree."""

from __future__ import annotations

from domain.policy_doc import DOC_PATH, render
from domain.policy_tables import POLICIES


def test_the_committed_document_is_the_policy() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render(), (
        "docs/permissions.md is stale: run `python -m domain.policy_doc`"
    )


def test_the_document_has_one_table_per_type_and_every_field() -> None:
    text = render()
    for policy in POLICIES.values():
        assert f"## {policy.name}\n" in text
        for name in policy.fields:
            assert f"`{name}`" in text, (policy.name, name)
