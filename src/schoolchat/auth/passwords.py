"""Password hashing with argon2, off the event loop while the service serves.

One argon2 hash takes ~0.3 s of CPU and 64 MiB here. Run on the event loop, a login stalled every socket and
request of the process for that long. The service hashes in a thread pool instead (argon2-cffi releases the GIL
while it hashes), of ``password_hash_concurrency`` threads: the pool's size bounds the CPU and memory that
concurrent logins can take, and logins beyond it wait their turn without holding anyone else up. The synchronous
functions remain for one-off commands (the command line, the demo seed, tests), which serve no one meanwhile.

Off the loop is not enough on a small machine: one argon2 check runs four lanes in threads of its own, so two at
once would take every core from the event loop's thread. The pool's threads therefore run at the lowest CPU
priority (nice 19, which the lanes they start inherit): the loop, and everything it serves, goes first, and
logins take the CPU that is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Compared against when the username is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("schoolchat-no-such-user")
_pools: dict[int, ThreadPoolExecutor] = {}  # by size: the threads are the process's, whichever app asks


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


LOWEST_PRIORITY = 19


def _lowest_priority() -> None:
    """Run this thread (and the threads it starts) after everything else (Linux: nice is per thread)."""
    with contextlib.suppress(OSError, AttributeError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST_PRIORITY)


def _pool(concurrency: int) -> ThreadPoolExecutor:
    if concurrency not in _pools:
        _pools[concurrency] = ThreadPoolExecutor(
            max(1, concurrency), thread_name_prefix="argon2", initializer=_lowest_priority
        )
    return _pools[concurrency]


async def hash_off_loop(password: str, *, concurrency: int) -> str:
    return await asyncio.get_running_loop().run_in_executor(_pool(concurrency), hash_password, password)


async def verify_off_loop(password_hash: str | None, password: str, *, concurrency: int) -> bool:
    return await asyncio.get_running_loop().run_in_executor(
        _pool(concurrency), verify_password, password_hash, password
    )
