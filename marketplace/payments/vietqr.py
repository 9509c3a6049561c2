"""VietQR (NAPAS 247) bank transfer codes: the EMVCo merchant-presented payload a Vietnamese
banking app reads, a strict reader for it, and its QR image. Pure: no Flask, no database.

A payload is a string of fields `<2-digit id><2-digit length><value>`; ids 38 and 62 hold
fields of their own, and the last field (63) is a CRC over everything before its value.
"""
from __future__ import annotations

import io
import re
import unicodedata

import segno

NAPAS_GUID = "A000000727"
TRANSFER_TO_ACCOUNT = "QRIBFTTA"
DYNAMIC_CODE = "12"  # the amount is embedded; a reusable code without one would be "11"
CURRENCY_VND = "704"
COUNTRY_VN = "VN"
MAX_MESSAGE_LENGTH = 25
AMOUNT_LIMIT = 10**13  # amounts must stay below this
MAX_FIELD_LENGTH = 99
CRC_FIELD = "6304"
SVG_SIZE_PX = 240

_BIN = re.compile(r"[0-9]{6}")
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")
_NOT_ACCEPTED = re.compile(r"[^0-9A-Za-z -]")
_FIELD_HEADER = re.compile(r"([0-9]{2})([0-9]{2})")


def transfer_message(text: str) -> str:
    """`text` as a transfer message banks accept: ASCII letters (case kept), digits, spaces and
    dashes, diacritics removed and đ read as d, spaces collapsed, at most 25 characters."""
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    spaced = "".join(" " if ch.isspace() else ch for ch in decomposed if not unicodedata.combining(ch))
    words = _NOT_ACCEPTED.sub("", spaced).split()
    return " ".join(words)[:MAX_MESSAGE_LENGTH].rstrip()


def payload(bank_bin: str, account_number: str, amount: int, message: str) -> str:
    """The VietQR payload asking for `amount` đồng to the account, with the folded message.

    Raises ValueError naming the first input that cannot go into a code.
    """
    _check_account(bank_bin, account_number)
    _check_amount(amount)
    folded = transfer_message(message)
    if not folded:
        raise ValueError(f"message {message!r} has nothing left after folding")
    beneficiary = _fields(("00", bank_bin), ("01", account_number))
    merchant_account = _fields(("00", NAPAS_GUID), ("01", beneficiary), ("02", TRANSFER_TO_ACCOUNT))
    body = _fields(
        ("00", "01"),
        ("01", DYNAMIC_CODE),
        ("38", merchant_account),
        ("53", CURRENCY_VND),
        ("54", str(amount)),
        ("58", COUNTRY_VN),
        ("62", _fields(("08", folded))),
    ) + CRC_FIELD
    return body + crc16_ccitt_false(body)


def crc16_ccitt_false(data: str) -> str:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF) of the UTF-8 bytes, as 4 upper-case hex digits."""
    crc = 0xFFFF
    for byte in data.encode():
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return f"{crc:04X}"


def parse(payload: str) -> dict[str, str | dict]:
    """The fields of a payload by id, those of 38 (and its 01) and 62 as nested dicts.

    Raises ValueError when a length is wrong, an id repeats, or the final CRC field is missing
    or does not match.
    """
    fields = _read_fields(payload)
    if list(fields)[-1:] != ["63"] or len(fields["63"]) != 4:
        raise ValueError("payload does not end with a 4-character CRC field 63")
    expected = crc16_ccitt_false(payload[:-4])
    if fields["63"] != expected:
        raise ValueError(f"CRC is {fields['63']}, expected {expected}")
    return _with_templates_read(fields)


def qr_svg(payload: str) -> str:
    """An inline SVG of the payload's QR code (no XML declaration), about 240 px wide."""
    code = _qr(payload)
    modules, _ = code.symbol_size(scale=1)
    return code.svg_inline(scale=max(1, round(SVG_SIZE_PX / modules)))


def qr_png(payload: str, scale: int = 8) -> bytes:
    """A PNG of the payload's QR code, `scale` pixels per module."""
    out = io.BytesIO()
    _qr(payload).save(out, kind="png", scale=scale)
    return out.getvalue()


def _qr(payload: str) -> segno.QRCode:
    # Always a full QR code (never Micro QR) at level M exactly, as banking apps expect.
    return segno.make_qr(payload, error="m", boost_error=False)


def _check_account(bank_bin: str, account_number: str) -> None:
    if not isinstance(bank_bin, str) or not _BIN.fullmatch(bank_bin):
        raise ValueError(f"bank BIN {bank_bin!r} is not 6 digits")
    if not isinstance(account_number, str) or not _ACCOUNT.fullmatch(account_number):
        raise ValueError(f"account number {account_number!r} is not 1-19 letters or digits")


def _check_amount(amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise ValueError(f"amount {amount!r} is not a whole number of dong (int)")
    if not 0 < amount < AMOUNT_LIMIT:
        raise ValueError(f"amount {amount} is not between 1 and {AMOUNT_LIMIT - 1}")


def _fields(*pairs: tuple[str, str]) -> str:
    """`<id><length><value>` for each (id, value)."""
    parts = []
    for tag, value in pairs:
        if not 0 < len(value) <= MAX_FIELD_LENGTH:
            raise ValueError(f"field {tag} would be {len(value)} characters long")
        parts.append(f"{tag}{len(value):02d}{value}")
    return "".join(parts)


def _read_fields(text: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    position = 0
    while position < len(text):
        header = _FIELD_HEADER.fullmatch(text[position:position + 4])
        if header is None:
            raise ValueError(f"no field id and length at position {position}")
        tag, length = header.group(1), int(header.group(2))
        value = text[position + 4:position + 4 + length]
        if length == 0 or len(value) != length:
            raise ValueError(f"field {tag} at position {position} announces {length} characters, has {len(value)}")
        if tag in fields:
            raise ValueError(f"field {tag} appears twice")
        fields[tag] = value
        position += 4 + length
    return fields


def _with_templates_read(fields: dict[str, str]) -> dict[str, str | dict]:
    """`fields` with the values of 38 (and its beneficiary, 01) and 62 read as fields themselves."""
    result: dict[str, str | dict] = dict(fields)
    if "38" in fields:
        merchant_account: dict[str, str | dict] = dict(_read_fields(fields["38"]))
        if "01" in merchant_account:
            merchant_account["01"] = _read_fields(merchant_account["01"])
        result["38"] = merchant_account
    if "62" in fields:
        result["62"] = _read_fields(fields["62"])
    return result
