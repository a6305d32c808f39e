"""W3C Bitstring Status List: bits, encoding, the list credential and entries."""

from __future__ import annotations

import base64
import gzip
from datetime import UTC, datetime, timedelta, timezone

import pytest

from credentials.vc import keys, proof
from credentials.vc.statuslist import MIN_SIZE, StatusList, read_status, status_entry, status_list_credential

LIST_URL = "https://rst.example.cn/status/2024/1"
ISSUER = "did:web:rst.example.cn"


def test_set_get_and_bit_order():
    sl = StatusList()
    assert sl.size == MIN_SIZE == 131_072 and sl.count() == 0
    sl.set(0)
    sl.set(9)
    sl.set(MIN_SIZE - 1)
    assert sl.get(0) and sl.get(9) and sl.get(MIN_SIZE - 1) and not sl.get(1)
    raw = gzip.decompress(base64.urlsafe_b64decode(sl.encode()[1:] + "=" * (-len(sl.encode()[1:]) % 4)))
    assert raw[0] == 0x80 and raw[1] == 0x40 and raw[-1] == 0x01  # index 0 is the left-most bit
    sl.set(9, False)
    assert not sl.get(9) and sl.count() == 2


def test_encode_decode_round_trip_and_determinism():
    sl = StatusList()
    for i in (3, 1000, 77_777):
        sl.set(i)
    encoded = sl.encode()
    assert encoded.startswith("u") and "=" not in encoded
    assert len(encoded) < 1000  # 16 KB of mostly zeros compresses well
    again = StatusList.decode(encoded)
    assert again.size == MIN_SIZE and [i for i in (3, 1000, 77_777, 4) if again.get(i)] == [3, 1000, 77_777]
    assert again.encode() == encoded  # GZIP mtime fixed: publishing is reproducible


@pytest.mark.parametrize("index", [-1, MIN_SIZE, True, "3"])
def test_index_bounds(index):
    with pytest.raises(IndexError):
        StatusList().get(index)


@pytest.mark.parametrize("size", [8, MIN_SIZE - 8, MIN_SIZE + 1])
def test_size_must_give_herd_privacy(size):
    with pytest.raises(ValueError):
        StatusList(size)


def _u(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "encoded",
    [
        "zABC",  # not base64url multibase
        "u!!!",
        _u(b"not gzip"),
        _u(gzip.compress(bytes(16))),  # too small a list
        _u(gzip.compress(bytes(16 * 1024 * 1024 + 8))),  # GZIP bomb guard
        _u(gzip.compress(bytes(MIN_SIZE // 8))[:-12]),  # truncated
    ],
)
def test_decode_rejects(encoded):
    with pytest.raises(ValueError):
        StatusList.decode(encoded)


def test_status_list_credential_shape_and_signing():
    sl = StatusList()
    sl.set(42)
    start = datetime(2024, 5, 1, 16, 0, tzinfo=timezone(timedelta(hours=8)))
    cred = status_list_credential(LIST_URL, ISSUER, sl.encode(), valid_from=start)
    assert cred == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER,
        "validFrom": "2024-05-01T08:00:00Z",
        "credentialSubject": {
            "id": f"{LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": sl.encode(),
        },
    }
    key = keys.generate_private_key()
    signed = proof.sign_data_integrity(cred, key, f"{ISSUER}#key-1", "2024-05-01T08:00:00Z")
    resolver = keys.key_resolver({f"{ISSUER}#key-1": keys.public_key_multibase(key)})
    assert proof.verify_data_integrity(signed, resolver).ok


def test_status_list_credential_validation():
    with pytest.raises(ValueError):
        status_list_credential(LIST_URL, ISSUER, "uAAAA")
    with pytest.raises(ValueError):
        status_list_credential(LIST_URL, ISSUER, StatusList().encode(), purpose="message")
    with pytest.raises(ValueError):
        status_list_credential(LIST_URL, ISSUER, StatusList().encode(), valid_from=datetime(2024, 5, 1))
    cred = status_list_credential(LIST_URL, ISSUER, StatusList().encode(), "suspension",
                                  "2024-05-01T00:00:00Z",
                                  valid_until=datetime(2025, 5, 1, tzinfo=UTC))
    assert cred["credentialSubject"]["statusPurpose"] == "suspension"
    assert cred["validUntil"] == "2025-05-01T00:00:00Z"


def test_status_entry_and_read_status():
    entry = status_entry(LIST_URL, 42)
    assert entry == {
        "id": f"{LIST_URL}#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": LIST_URL,
    }
    sl = StatusList()
    list_cred = status_list_credential(LIST_URL, ISSUER, sl.encode(), valid_from="2024-05-01T00:00:00Z")
    assert read_status(entry, list_cred) is False
    sl.set(42)
    list_cred["credentialSubject"]["encodedList"] = sl.encode()
    assert read_status(entry, list_cred) is True


def test_read_status_fails_closed():
    list_cred = status_list_credential(
        LIST_URL, ISSUER, StatusList().encode(), valid_from="2024-05-01T00:00:00Z")
    for entry in [
        status_entry("https://rst.example.cn/status/2024/2", 1),
        status_entry(LIST_URL, 1, "suspension"),
        dict(status_entry(LIST_URL, 1), statusListIndex="1e3"),
        dict(status_entry(LIST_URL, 1), type="StatusList2021Entry"),
        status_entry(LIST_URL, MIN_SIZE),
    ]:
        with pytest.raises(ValueError):
            read_status(entry, list_cred)
    with pytest.raises(ValueError):
        status_entry(LIST_URL, -1)
