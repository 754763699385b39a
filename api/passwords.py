"""Password hashing with argon2id (memory-hard), through argon2-cffi."""

from __future__ import annotations

from argon2 import PasswordHasher as Argon2Hasher
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2PasswordHasher:
    """Hashes carry their parameters, so raising the cost later keeps old hashes valid."""

    def __init__(self, *, time_cost: int, memory_kib: int) -> None:
        # The cost is a setting: production keeps RFC 9106's profile, the test
        # suite lowers it to hash hundreds of passwords through the same code.
        self._hasher = Argon2Hasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(password_hash, password))
        except (VerificationError, InvalidHashError):
            return False
