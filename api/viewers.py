"""From an access token to the viewer the policy needs, read from current data.

The token proves who is calling; the role, organization and person behind the
account are read from the database on every request, so a deactivated account
or a changed role applies at once, not when the token expires.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.auth import TokenService
from domain.accounts import Role
from domain.errors import Unauthenticated
from domain.policy import Viewer
from persistence.tables.accounts import accounts
from persistence.tables.people import guardians, participants


class ViewerLoader:
    def __init__(self, tokens: TokenService, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.tokens = tokens
        self.sessions = sessions

    async def authenticate(self, token: str) -> Viewer:
        claims = self.tokens.verify(token)
        stmt = (
            sa.select(
                accounts.c.id,
                accounts.c.role,
                accounts.c.organization_id,
                accounts.c.is_active,
                participants.c.id.label("participant_id"),
                guardians.c.id.label("guardian_id"),
            )
            .select_from(accounts)
            .outerjoin(participants, participants.c.account_id == accounts.c.id)
            .outerjoin(guardians, guardians.c.account_id == accounts.c.id)
            .where(accounts.c.id == claims.account_id)
        )
        async with self.sessions() as session:
            row = (await session.execute(stmt)).first()
        if row is None or not row.is_active:
            raise Unauthenticated("The access token is not valid.")
        return Viewer(
            account_id=row.id,
            role=Role(row.role),
            organization_id=row.organization_id,
            participant_id=row.participant_id,
            guardian_id=row.guardian_id,
        )
