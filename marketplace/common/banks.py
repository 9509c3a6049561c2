"""Vietnamese banks a cooperative can be paid at, with their NAPAS BIN (used in VietQR codes)."""
from __future__ import annotations

BANKS = {
    "970436": "Vietcombank",
    "970415": "VietinBank",
    "970418": "BIDV",
    "970405": "Agribank",
    "970407": "Techcombank",
    "970422": "MB",
    "970416": "ACB",
    "970432": "VPBank",
    "970423": "TPBank",
    "970403": "Sacombank",
    "970441": "VIB",
    "970437": "HDBank",
    "970443": "SHB",
    "970449": "LPBank",
}


def bank_name(bin_code: str) -> str:
    return BANKS.get(bin_code, "")
