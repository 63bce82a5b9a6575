"""Staff passwords, stored as scrypt hashes (the standard library's hashlib.scrypt, memory-hard),
never as fast hashes. Parameters follow OWASP's password storage guidance for scrypt (N=2^17, r=8,
p=1: about 128 MiB and a few hundred milliseconds per check, within a 512 MB function), with a
16-byte random salt per password. The stored form names its parameters,

  scrypt$<log2 N>$<r>$<p>$<salt, base64>$<hash, base64>

so they can be raised later: ``needs_rehash`` tells the sign-in to store a new hash after a
successful check. Checking compares in constant time; a malformed stored value never matches.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

LOG2_N, R, P = 17, 8, 1
SALT_BYTES, HASH_BYTES = 16, 32
MIN_LENGTH, MAX_LENGTH = 10, 128  # long passphrases welcome; the upper bound keeps a check cheap


def _derive(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    n = 1 << log2_n
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES,
                          maxmem=2 * 128 * r * n + (1 << 20))


def hash_password(password: str, *, log2_n: int | None = None, r: int | None = None, p: int | None = None) -> str:
    """The stored form of ``password``, with the current parameters unless others are given."""
    log2_n, r, p = log2_n or LOG2_N, r or R, p or P
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _derive(password, salt, log2_n, r, p)
    return "$".join(["scrypt", str(log2_n), str(r), str(p), base64.b64encode(salt).decode(),
                     base64.b64encode(digest).decode()])


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        log2_n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, digest = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    if not (10 <= log2_n <= 20 and 1 <= r <= 16 and 1 <= p <= 4 and len(digest) == HASH_BYTES and salt):
        return None
    return log2_n, r, p, salt, digest


def verify_password(password: str, stored: str) -> bool:
    parsed = _parse(stored)
    if parsed is None or not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return False
    log2_n, r, p, salt, digest = parsed
    return hmac.compare_digest(_derive(password, salt, log2_n, r, p), digest)


def needs_rehash(stored: str) -> bool:
    parsed = _parse(stored)
    return parsed is None or parsed[:3] != (LOG2_N, R, P)


def strength_problem(password: str) -> str | None:
    """Why a new password is refused, in words a person can act on, or None."""
    if len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 位。"
    if len(password) > MAX_LENGTH:
        return f"密码最多 {MAX_LENGTH} 位。"
    if len(set(password)) < 4:
        return "密码过于简单，请混用不同的字符。"
    return None


# The names the staff context uses (``passwords.hash`` when an invitation is accepted or the owner
# is created, ``passwords.verify`` at sign-in).
hash = hash_password  # noqa: A001 - the module's verb, not the builtin
verify = verify_password


def spend_check_time(password: str) -> None:
    """The work of one check with the current parameters, for a sign-in whose name has no account
    (or no password yet): it is refused in the same time as a wrong password, so the time of a
    refusal does not tell which names exist."""
    candidate = password if MIN_LENGTH <= len(password) <= MAX_LENGTH else "x" * MIN_LENGTH
    hmac.compare_digest(_derive(candidate, b"\0" * SALT_BYTES, LOG2_N, R, P), b"\0" * HASH_BYTES)
