"""shop.adapters.rsa verifies exactly what the cryptography package signs, and nothing else."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa as crsa
from hypothesis import given, settings
from hypothesis import strategies as st

from shop.adapters import rsa

KEY = crsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = crsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


PUBLIC = rsa.load_public_key(_pem(KEY))


def _sign(key, message: bytes) -> bytes:
    return key.sign(message, padding.PKCS1v15(), hashes.SHA256())


@settings(max_examples=30, deadline=None)
@given(st.binary(max_size=512))
def test_accepts_every_valid_signature(message: bytes) -> None:
    assert rsa.verify_sha256(PUBLIC, message, _sign(KEY, message))


@settings(max_examples=30, deadline=None)
@given(st.binary(min_size=1, max_size=256), st.integers(min_value=0, max_value=255))
def test_rejects_a_changed_message_or_signature(message: bytes, flip: int) -> None:
    signature = _sign(KEY, message)
    changed = bytes([message[0] ^ 1]) + message[1:]
    assert not rsa.verify_sha256(PUBLIC, changed, signature)
    bad = bytearray(signature)
    bad[flip % len(bad)] ^= 0x01
    assert not rsa.verify_sha256(PUBLIC, message, bytes(bad))


def test_rejects_other_keys_other_hashes_and_other_paddings() -> None:
    message = b"v1.payload"
    assert not rsa.verify_sha256(PUBLIC, message, _sign(OTHER, message))
    assert not rsa.verify_sha256(PUBLIC, message, KEY.sign(message, padding.PKCS1v15(), hashes.SHA512()))
    pss = KEY.sign(message, padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32), hashes.SHA256())
    assert not rsa.verify_sha256(PUBLIC, message, pss)
    assert not rsa.verify_sha256(PUBLIC, message, b"")
    assert not rsa.verify_sha256(PUBLIC, message, b"\xff" * 256)


def test_key_id_is_stable_per_key() -> None:
    assert PUBLIC.key_id == rsa.load_public_key(_pem(KEY)).key_id != rsa.load_public_key(_pem(OTHER)).key_id


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not base64 !!",
        "MIIB",
        _pem(crsa.generate_private_key(public_exponent=65537, key_size=1024)),  # too small
        serialization.load_pem_public_key(_pem(KEY).encode()).public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode(),  # not SPKI
    ],
)
def test_refuses_what_is_not_a_2048_bit_spki_rsa_key(text: str) -> None:
    with pytest.raises(rsa.InvalidKey):
        rsa.load_public_key(text)


def test_refuses_non_rsa_keys() -> None:
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(rsa.InvalidKey):
        rsa.load_public_key(pem)
