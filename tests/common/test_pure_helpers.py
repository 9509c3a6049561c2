import pytest

from marketplace.accounts.passwords import Weakness, password_weakness
from marketplace.common import places
from marketplace.common.phone import display_mobile, normalize_mobile
from marketplace.common.taxcode import check_digit, is_valid_tax_code
from marketplace.common.urls import safe_next


@pytest.mark.parametrize("raw, normalized", [
    ("0912345678", "+84912345678"),
    ("0912 345 678", "+84912345678"),
    ("091.234.5678", "+84912345678"),
    ("+84912345678", "+84912345678"),
    ("+84 35 678 9012", "+84356789012"),
    ("(+84) 87-123-4567", "+84871234567"),
])
def test_vietnamese_mobile_numbers_are_normalized(raw, normalized):
    assert normalize_mobile(raw) == normalized


@pytest.mark.parametrize("raw", ["", "091234567", "09123456789", "0212345678", "0112345678",
                                 "+85512345678", "+840912345678", "abcdefghij", "0912-345-67x"])
def test_other_numbers_are_refused(raw):
    assert normalize_mobile(raw) is None


def test_mobile_numbers_are_displayed_as_people_write_them():
    assert display_mobile("+84912345678") == "0912 345 678"


def test_tax_code_check_digit_follows_the_published_weights():
    # 0*31 + 1*29 + 0*23 + 0*19 + 0*17 + 1*13 + 2*7 + 3*5 + 4*3 = 83; 83 mod 11 = 6; 10 - 6 = 4
    assert check_digit("010001234") == 4
    assert is_valid_tax_code("0100012344")
    assert is_valid_tax_code("0100012344-001")
    assert not is_valid_tax_code("0100012343")
    assert not is_valid_tax_code("0100012344-01")
    assert not is_valid_tax_code("010001234")
    assert not is_valid_tax_code("01000123441")


def test_tax_codes_whose_check_would_be_ten_are_invalid():
    nine = next(f"{n:09d}" for n in range(10**6) if check_digit(f"{n:09d}") is None)
    assert not any(is_valid_tax_code(nine + str(d)) for d in range(10))


@pytest.mark.parametrize("target, expected", [
    ("/account", "/account"),
    ("/products?q=na", "/products?q=na"),
    ("", "/"),
    (None, "/"),
    ("https://evil.example", "/"),
    ("//evil.example", "/"),
    ("/\\evil.example", "/"),
    ("\\\\evil.example", "/"),
    ("javascript:alert(1)", "/"),
    ("/ok\r\nSet-Cookie: x=1", "/"),
])
def test_safe_next_only_allows_paths_on_this_site(target, expected):
    assert safe_next(target) == expected


@pytest.mark.parametrize("password, weakness", [
    ("short1", Weakness.TOO_SHORT),
    ("x" * 129, Weakness.TOO_LONG),
    ("Password123", Weakness.TOO_COMMON),
    ("12345670", Weakness.ONE_KIND),
    ("aaaaaaaa1", Weakness.ONE_KIND),
    ("hoangvan", Weakness.ONE_KIND),
    ("mai.nguyen99", Weakness.PERSONAL),
    ("pass0912345678", Weakness.PERSONAL),
])
def test_weak_passwords_are_named(password, weakness):
    assert password_weakness(password, ("mai.nguyen@example.com", "+84912345678")) == weakness


@pytest.mark.parametrize("password", ["demo12345", "na-chi-lang-2026", "correct horse battery", "mật khẩu tốt 1"])
def test_reasonable_passwords_pass(password):
    assert password_weakness(password, ("mai.nguyen@example.com", "+84912345678")) is None


def test_names_and_ward_lists_of_any_code_sent_keep_a_bounded_cache():
    """Codes come from forms and URLs: a stream of made-up ones must not grow memory without end."""
    for code in range(10**7, 10**7 + 5_000):
        places.ward_name(code), places.province_name(code), places.ward_choices(code)
    for cached in (places.ward_name, places.province_name, places.ward_choices):
        assert cached.cache_info().currsize <= 4_096
    assert places.ward_name(6463) and places.ward_choices(20)  # real codes still answer
