"""National ID parsing (GB 11643), blind index, AES-GCM cipher, masking and log redaction."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from credentials.identity import (
    LOG_ID_PATTERN,
    DecryptionError,
    IdCipher,
    InvalidNationalId,
    blind_index,
    check_character,
    clean_person_name,
    mask_name,
    mask_national_id,
    normalize_national_id,
    parse_national_id,
    person_name_problem,
    redact_ids,
)

KEY_A, KEY_B = b"A" * 32, b"B" * 32
HASH_KEY = bytes(range(32))


def make_id(first17: str) -> str:
    return first17 + check_character(first17)


# --- parsing -------------------------------------------------------------------------------------

def test_domain_examples_valid():
    a = parse_national_id("11010519491231002X")
    assert (a.number, a.birth_date, a.gender, a.area_code, a.province_code) == (
        "11010519491231002X", date(1949, 12, 31), "female", "110105", "11")
    assert a.province_name == "北京"
    b = parse_national_id("440524188001010014")
    assert (b.birth_date, b.gender, b.province_code) == (date(1880, 1, 1), "male", "44")


def test_domain_example_invalid_check_digit():
    with pytest.raises(InvalidNationalId) as err:
        parse_national_id("130402198207290622")
    assert err.value.code == "check_digit"
    assert str(err.value) == "身份证号校验位不正确" == err.value.message_zh
    assert "check character" in err.value.message_en


def test_check_digit_message_never_reveals_expected_character():
    with pytest.raises(InvalidNationalId) as err:
        parse_national_id("110105194912310021")  # the right check character is X
    text = err.value.message_zh + err.value.message_en
    assert not any(ch in text for ch in "0123456789X")


def test_lower_x_full_width_and_spaces_are_normalised():
    assert parse_national_id("11010519491231002x").number == "11010519491231002X"
    assert parse_national_id("１１０１０５１９４９１２３１００２Ｘ").number == "11010519491231002X"
    assert parse_national_id(" 110105 19491231 002ｘ\u3000").number == "11010519491231002X"


def test_fifteen_digit_ids_are_upgraded():
    parsed = parse_national_id("110105491231002")
    assert parsed.number == "11010519491231002X"
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.gender == "female"
    assert parse_national_id("440524800101001").number == make_id("44052419800101001")


def test_gender_follows_parity_of_seventeenth_digit():
    for digit, gender in [("1", "male"), ("3", "male"), ("9", "male"), ("0", "female"), ("4", "female")]:
        assert parse_national_id(make_id("1101051990010100" + digit)).gender == gender


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "length"),
        ("1101051949123100", "length"),
        ("11010519491231002X1", "length"),
        ("1101051949123100XX", "characters"),
        ("11010519491231002Y", "characters"),
        ("X10105491231002", "characters"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "characters"),  # Arabic-Indic digits are digits to str.isdigit, not to us
        ("①10105491231002", "characters"),
    ],
)
def test_shape_errors(raw, code):
    with pytest.raises(InvalidNationalId) as err:
        parse_national_id(raw)
    assert err.value.code == code


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490000", "17991231", "20990101"])
def test_impossible_or_future_birth_dates(birth):
    with pytest.raises(InvalidNationalId) as err:
        parse_national_id(make_id("110105" + birth + "002"), today=date(2024, 6, 1))
    assert err.value.code == "birth_date"


def test_birth_today_is_accepted_tomorrow_is_not():
    assert parse_national_id(make_id("11010520240601002"), today=date(2024, 6, 1))
    with pytest.raises(InvalidNationalId):
        parse_national_id(make_id("11010520240602002"), today=date(2024, 6, 1))


def test_error_is_a_value_error_and_non_str_input_is_a_type_error():
    assert issubclass(InvalidNationalId, ValueError)
    with pytest.raises(TypeError):
        parse_national_id(11010519491231002)  # type: ignore[arg-type]


# --- blind index ---------------------------------------------------------------------------------

def test_blind_index_is_keyed_and_normalised():
    h = blind_index("11010519491231002X", HASH_KEY)
    assert len(h) == 64 and int(h, 16) >= 0
    assert blind_index("11010519491231002x", HASH_KEY) == h
    assert blind_index("１１０１０５１９４９１２３１００２ｘ", HASH_KEY) == h
    assert blind_index("110105491231002", HASH_KEY) == h  # the 15-digit form is the same person
    assert blind_index("11010519491231002X", b"C" * 32) != h
    assert blind_index("440524188001010014", HASH_KEY) != h


def test_blind_index_refuses_short_keys_and_invalid_ids():
    with pytest.raises(ValueError):
        blind_index("11010519491231002X", b"short")
    with pytest.raises(InvalidNationalId):
        blind_index("130402198207290622", HASH_KEY)


# --- cipher --------------------------------------------------------------------------------------

def test_cipher_round_trip_and_format():
    cipher = IdCipher({"k1": KEY_A}, "k1")
    token = cipher.encrypt("11010519491231002x")
    version, key_id, body = token.split(".")
    assert (version, key_id) == ("v1", "k1")
    assert "110105" not in token and "=" not in body
    assert cipher.decrypt(token) == "11010519491231002X"
    assert cipher.encrypt("11010519491231002X") != token  # random nonce


def test_cipher_rotation():
    old = IdCipher({"k1": KEY_A}, "k1")
    token_old = old.encrypt("440524188001010014")
    rotated = IdCipher({"k1": KEY_A, "k2": KEY_B}, "k2")
    assert rotated.decrypt(token_old) == "440524188001010014"
    assert rotated.needs_rotation(token_old)
    token_new = rotated.rotate(token_old)
    assert token_new.startswith("v1.k2.") and not rotated.needs_rotation(token_new)
    assert rotated.decrypt(token_new) == "440524188001010014"
    with pytest.raises(DecryptionError):
        old.decrypt(token_new)  # k2 unknown to the old configuration


def test_cipher_detects_tampering():
    cipher = IdCipher({"k1": KEY_A, "k2": KEY_A}, "k1")
    token = cipher.encrypt("11010519491231002X")
    _, key_id, body = token.split(".")
    blob = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    blob[-1] ^= 1
    flipped = "v1.k1." + base64.urlsafe_b64encode(bytes(blob)).rstrip(b"=").decode()
    swapped_key = token.replace("v1.k1.", "v1.k2.")
    for bad in [flipped, swapped_key, token[:-4], "v2" + token[2:], "garbage", "v1.k1.!!"]:
        with pytest.raises(DecryptionError):
            cipher.decrypt(bad)


def test_cipher_context_binds_ciphertext_to_its_row():
    cipher = IdCipher({"k1": KEY_A}, "k1")
    token = cipher.encrypt("11010519491231002X", context=b"worker:7")
    assert cipher.decrypt(token, context=b"worker:7") == "11010519491231002X"
    with pytest.raises(DecryptionError):
        cipher.decrypt(token, context=b"worker:8")


def test_cipher_configuration_errors():
    with pytest.raises(ValueError):
        IdCipher({"k1": b"short"}, "k1")
    with pytest.raises(ValueError):
        IdCipher({"k.1": KEY_A}, "k.1")
    with pytest.raises(ValueError):
        IdCipher({"k1": KEY_A}, "k2")
    with pytest.raises(InvalidNationalId):
        IdCipher({"k1": KEY_A}, "k1").encrypt("130402198207290622")


# --- masking and logs ----------------------------------------------------------------------------

def test_mask_national_id():
    assert mask_national_id("110105194912311234") == "110105********1234"
    assert mask_national_id("11010519491231002x") == "110105********002X"
    assert mask_national_id("110105491231002") == "110105*****1002"
    assert mask_national_id("12345") == "*****"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("张小三", "张*三"), ("欧阳小锋", "欧**锋"), ("阿卜杜拉·艾合买提", "阿*******提"),
     ("李", "*"), ("John Smith", "J*********"), ("  ", "")],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_normalize_keeps_invalid_input_for_messages():
    assert normalize_national_id("ab c") == "abc"


def test_redact_ids_after_chinese_text_and_at_boundaries():
    assert redact_ids("身份证110105194912310021号") == "身份证110105********0021号"
    assert redact_ids("id=11010519491231002x,") == "id=110105********002X,"
    line = "订单1101051949123100211 与 A11010519491231002X 不是身份证"
    assert redact_ids(line) == line
    assert LOG_ID_PATTERN.search("身份证110105194912310021号")
    assert not LOG_ID_PATTERN.search("１１０１０５１９４９１２３１００２１")  # full-width: documented gap


# ------------------------------------------------------------------ personal names

@pytest.mark.parametrize("name", ["王建国", "阿卜杜·热合曼", "John O'Brien", "Jean-Luc Picard", "J. R. Smith",
                                  "ཚེ་རིང་", "Nguyễn Văn An"])
def test_names_of_every_script_are_accepted(name):
    assert person_name_problem(clean_person_name(name)) is None


@pytest.mark.parametrize(("raw", "cleaned"), [
    ("  王  建国 ", "王 建国"), ("阿卜杜・热合曼", "阿卜杜·热合曼"), ("阿卜杜•热合曼", "阿卜杜·热合曼"),
    ("Nguye\u0302\u0303n", "Nguyễn"),  # decomposed marks composed (NFC)
])
def test_names_are_normalised(raw, cleaned):
    assert clean_person_name(raw) == cleaned


@pytest.mark.parametrize("name", ["张\x00三", "李\x01四", "王\u202e五", "赵\u200b六", "钱\u00ad七", "孙\ufeff八",
                                  "周3", "吴<script>", "郑@", "·", "-"])
def test_control_format_characters_digits_and_symbols_are_refused(name):
    assert person_name_problem(clean_person_name(name)) is not None
