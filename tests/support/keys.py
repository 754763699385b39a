"""One EC key per test run, so tests never touch `var/`."""

from functools import cache

from api.keys import generate_private_pem


@cache
def suite_private_pem() -> str:
    return generate_private_pem()
