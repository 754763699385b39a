"""Global ids in mutation inputs: a malformed or foreign id is a user error, never a 500."""

from __future__ import annotations

from strawberry import relay

from domain.errors import InvalidInput


def decode_id(value: object, type_name: str, field: str) -> int:
    """The database id behind a `type_name` global id (plain digits are refused)."""
    try:
        gid = relay.GlobalID.from_id(str(value))
    except Exception as error:
        raise InvalidInput(f"`{field}` is not a valid {type_name} id.", field=field) from error
    if gid.type_name != type_name or not gid.node_id.isdigit() or len(gid.node_id) > 18:
        raise InvalidInput(f"`{field}` is not a valid {type_name} id.", field=field)
    return int(gid.node_id)


def encode_id(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))
