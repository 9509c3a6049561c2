"""VietQR payloads: the published test vector, lengths and checksums checked by an independent
reader and CRC, the QR image decoded by zxing-cpp, the strict reader, and refused inputs."""
import binascii
import io
import re

import pytest
import zxingcpp
from PIL import Image

from marketplace.payments import vietqr

PUBLISHED = ("00020101021238540010A00000072701240006970436011010175956000208QRIBFTTA"
             "530370454061800005802VN62230819thanh toan don hang630470FA")


def read_tlv(text: str) -> dict[str, str]:
    """An independent TLV reader: every field's length must land exactly on the next one."""
    fields, i = {}, 0
    while i < len(text):
        tag, length = text[i:i + 2], int(text[i + 2:i + 4])
        fields[tag] = text[i + 4:i + 4 + length]
        assert len(fields[tag]) == length, f"field {tag} is cut short"
        i += 4 + length
    assert i == len(text)
    return fields


def decoded(payload: str) -> dict:
    """What a banking app reads: bank BIN, account, amount, message, and whether the CRC holds."""
    top = read_tlv(payload)
    merchant = read_tlv(top["38"])
    beneficiary = read_tlv(merchant["01"])
    crc = "%04X" % binascii.crc_hqx(payload[:-4].encode(), 0xFFFF)
    return {
        "ids": list(top),
        "napas": (merchant["00"], merchant["02"]),
        "bin": beneficiary["00"],
        "account": beneficiary["01"],
        "amount": top["54"],
        "message": read_tlv(top["62"])["08"],
        "crc_ok": payload.endswith("6304" + crc),
    }


def test_the_published_test_vector_is_reproduced_exactly():
    assert vietqr.payload("970436", "1017595600", 180_000, "thanh toan don hang") == PUBLISHED


def test_the_crc_of_known_strings():
    assert vietqr.crc16_ccitt_false(PUBLISHED[:-4]) == "70FA"
    assert vietqr.crc16_ccitt_false("123456789") == "29B1"  # the catalogued check value of CRC-16/CCITT-FALSE
    assert re.fullmatch(r"[0-9A-F]{4}", vietqr.crc16_ccitt_false("CHX-26123456-1"))


@pytest.mark.parametrize("amount", [1, 85_000, 1_050_000, 999_999_999_999])
def test_any_amount_gets_its_field_with_the_right_length_and_checksum(amount):
    payload = vietqr.payload("970415", "113366668888", amount, "CHX-26123456-1")
    read = decoded(payload)
    assert read["ids"] == ["00", "01", "38", "53", "54", "58", "62", "63"]
    assert (read["bin"], read["account"], read["amount"]) == ("970415", "113366668888", str(amount))
    assert read["napas"] == ("A000000727", "QRIBFTTA")
    assert read["crc_ok"]


@pytest.mark.parametrize("message, expected", [
    ("CHX-26123456-1", "CHX-26123456-1"),
    ("Thanh toán đơn hàng Lạng Sơn", "Thanh toan don hang Lang"),  # 28 characters folded, cut to 25
    ("ĐƠN HÀNG ĐẶC SẢN", "DON HANG DAC SAN"),
    ("Don #12@ CHX-1!", "Don 12 CHX-1"),
    ("  mat \t ong\nrung  ", "mat ong rung"),
    ("CHX-26123456-1 thanh toan na Chi Lang", "CHX-26123456-1 thanh toan"),
])
def test_the_message_is_folded_to_what_banks_accept_and_at_most_25_characters(message, expected):
    assert vietqr.transfer_message(message) == expected
    read = decoded(vietqr.payload("970436", "1017595600", 85_000, message))
    assert read["message"] == expected and read["crc_ok"]


def test_a_cut_never_leaves_a_trailing_space():
    assert vietqr.transfer_message("a" * 24 + " bcd") == "a" * 24


@pytest.mark.parametrize("amount, message", [(1_050_000, "Thanh toán đơn hàng Lạng Sơn"),
                                             (999_999_999_999, "CHX-26123456-1")])
def test_the_png_decodes_to_the_payload_as_a_level_m_qr_code(amount, message):
    payload = vietqr.payload("970422", "0801234567890", amount, message)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(vietqr.qr_png(payload))))
    assert [(r.format, r.ec_level) for r in results] == [(zxingcpp.BarcodeFormat.QRCode, "M")]
    assert results[0].text == payload
    read = decoded(results[0].text)
    assert (read["bin"], read["account"], read["amount"]) == ("970422", "0801234567890", str(amount))
    assert read["message"] == vietqr.transfer_message(message)
    assert read["crc_ok"]


def test_the_svg_is_inline_and_about_240_pixels():
    svg = vietqr.qr_svg(PUBLISHED)
    assert svg.startswith("<svg") and "<?xml" not in svg
    size = re.match(r'<svg width="(\d+)" height="(\d+)"', svg).groups()
    assert size[0] == size[1] and 200 <= int(size[0]) <= 280


def test_parse_reads_the_nested_fields():
    assert vietqr.parse(PUBLISHED) == {
        "00": "01", "01": "12",
        "38": {"00": "A000000727", "01": {"00": "970436", "01": "1017595600"}, "02": "QRIBFTTA"},
        "53": "704", "54": "180000", "58": "VN", "62": {"08": "thanh toan don hang"}, "63": "70FA",
    }


def test_parse_reads_back_what_payload_builds():
    parsed = vietqr.parse(vietqr.payload("970405", "3100205123456", 1_050_000, "CHX-26123456-2"))
    assert (parsed["38"]["01"], parsed["54"], parsed["62"]) == \
        ({"00": "970405", "01": "3100205123456"}, "1050000", {"08": "CHX-26123456-2"})


def signed(body: str) -> str:
    """`body` (ending in 6304) with its right CRC, so that only its structure can be wrong."""
    return body + "%04X" % binascii.crc_hqx(body.encode(), 0xFFFF)


BODY = PUBLISHED[:-4]


@pytest.mark.parametrize("broken, reason", [
    (PUBLISHED.replace("thanh toan", "THANH TOAN"), "CRC"),  # same lengths, other text
    (BODY + "70fa", "CRC"),
    (PUBLISHED[:-8], "field 63"),  # no CRC field
    (signed("0002015810VN6304"), "field 63"),  # a length swallowing the CRC field
    (signed(BODY.replace("5802VN6223", "5802VN6299")), "announces 99"),  # a length past the end
    (signed(BODY.replace("62230819", "62230899")), "field 08 .* announces 99"),  # same, nested in 62
    (signed(BODY.replace("01101017595600", "01111017595600")), "field 01 .* announces 11"),  # in 38/01
    (signed("0002015800" + "6304"), "field 58 .* announces 0"),  # lengths are 01 to 99
    (PUBLISHED.replace("5303704", "53x3704"), "position 70"),
    (PUBLISHED[:-2], "announces 4"),
    ("", "field 63"),
])
def test_parse_refuses_bad_lengths_and_wrong_crcs(broken, reason):
    with pytest.raises(ValueError, match=reason):
        vietqr.parse(broken)


def test_parse_refuses_a_repeated_field():
    with pytest.raises(ValueError, match="twice"):
        vietqr.parse(signed("000201" + "5802VN" + "5802VN" + "6304"))


@pytest.mark.parametrize("bank_bin", ["97043", "9704366", "97043A", "", "٩٧٠٤٣٦"])
def test_a_bin_that_is_not_6_digits_is_refused(bank_bin):
    with pytest.raises(ValueError, match="BIN"):
        vietqr.payload(bank_bin, "1017595600", 180_000, "CHX-1")


@pytest.mark.parametrize("amount", [0, -85_000, 180_000.0, 1.5, True, 10**13])
def test_an_amount_that_is_not_a_positive_int_below_10_13_is_refused(amount):
    with pytest.raises(ValueError, match="amount"):
        vietqr.payload("970436", "1017595600", amount, "CHX-1")


@pytest.mark.parametrize("account", ["1017 595600", "", "1" * 20, "1017-5956", "10175956ư"])
def test_an_account_that_is_not_1_to_19_letters_or_digits_is_refused(account):
    with pytest.raises(ValueError, match="account"):
        vietqr.payload("970436", account, 180_000, "CHX-1")


@pytest.mark.parametrize("message", ["", "   ", "#@!", "—…"])
def test_a_message_with_nothing_left_after_folding_is_refused(message):
    with pytest.raises(ValueError, match="message"):
        vietqr.payload("970436", "1017595600", 180_000, message)
