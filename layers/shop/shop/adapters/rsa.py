"""RSA public-key operations in pure Python: reading an RSA public key and verifying
RSASSA-PKCS1-v1_5 / SHA-256 signatures (JWT "RS256", and WeChat Pay's notification signatures).

Verification only involves public values, so Python's pow() is fine here and no compiled crypto
library has to load at cold start. The check builds the one valid encoding of the digest and
compares it whole, rather than parsing the decrypted block (which is where signature-forgery bugs
live). Signing, which uses a private key, is never done here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

# DER of DigestInfo{AlgorithmIdentifier{sha256, NULL}, OCTET STRING(32)}, RFC 8017 section 9.2
_SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
_RSA_ENCRYPTION_OID = bytes.fromhex("2a864886f70d010101")
MIN_BITS = 2048


class InvalidKey(ValueError):
    """The text is not an RSA public key this module accepts."""


@dataclass(frozen=True)
class PublicKey:
    n: int
    e: int
    der: bytes  # SubjectPublicKeyInfo, for key ids

    @property
    def size(self) -> int:
        return (self.n.bit_length() + 7) // 8

    @property
    def key_id(self) -> str:
        return key_id(self.der)


def key_id(spki_der: bytes) -> str:
    """A short thumbprint of a public key (its SubjectPublicKeyInfo DER): the ``kid`` of our tokens."""
    return base64.urlsafe_b64encode(hashlib.sha256(spki_der).digest()[:9]).decode("ascii")


def _read(data: bytes, pos: int, tag: int) -> tuple[bytes, int]:
    """One DER element of the expected tag at ``pos``: (content, position after it)."""
    if pos + 2 > len(data) or data[pos] != tag:
        raise InvalidKey("unexpected DER structure")
    length, pos = data[pos + 1], pos + 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(data):
            raise InvalidKey("bad DER length")
        length, pos = int.from_bytes(data[pos : pos + count], "big"), pos + count
    if pos + length > len(data):
        raise InvalidKey("truncated DER")
    return data[pos : pos + length], pos + length


def _integer(content: bytes) -> int:
    if not content or content[0] & 0x80:
        raise InvalidKey("negative or empty integer")
    return int.from_bytes(content, "big")


def load_public_key(text: str) -> PublicKey:
    """An RSA public key from PEM ("BEGIN PUBLIC KEY") or the bare base64 of its DER (SPKI)."""
    body = "".join(line for line in text.strip().splitlines() if not line.startswith("-----"))
    try:
        der = base64.b64decode(body, validate=True)
    except ValueError:
        raise InvalidKey("not base64") from None
    spki, end = _read(der, 0, 0x30)
    if end != len(der):
        raise InvalidKey("trailing data")
    algorithm, pos = _read(spki, 0, 0x30)
    oid, _ = _read(algorithm, 0, 0x06)
    if oid != _RSA_ENCRYPTION_OID:
        raise InvalidKey("not an RSA key")
    bits, _ = _read(spki, pos, 0x03)
    if not bits or bits[0] != 0:
        raise InvalidKey("bad bit string")
    rsa_key, _ = _read(bits[1:], 0, 0x30)
    n_raw, pos = _read(rsa_key, 0, 0x02)
    e_raw, _ = _read(rsa_key, pos, 0x02)
    key = PublicKey(n=_integer(n_raw), e=_integer(e_raw), der=der)
    if key.n.bit_length() < MIN_BITS or key.e < 3 or key.e % 2 == 0:
        raise InvalidKey(f"RSA keys must have at least {MIN_BITS} bits and an odd exponent")
    return key


def verify_sha256(key: PublicKey, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` is a valid RSASSA-PKCS1-v1_5 SHA-256 signature of ``message``."""
    k = key.size
    if len(signature) != k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.n:
        return False
    decoded = pow(s, key.e, key.n).to_bytes(k, "big")
    suffix = _SHA256_PREFIX + hashlib.sha256(message).digest()
    expected = b"\x00\x01" + b"\xff" * (k - 3 - len(suffix)) + b"\x00" + suffix
    return hmac.compare_digest(decoded, expected)
