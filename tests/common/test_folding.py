import pytest

from marketplace.common.folding import exact_words, fold, free_slug, starts_words, terms


@pytest.mark.parametrize("text, folded", [
    ("Mật ong", "mat ong"),
    ("ĐẬU PHỘNG", "dau phong"),
    ("đậu", "dau"),
    ("Lạng Sơn", "lang son"),
    ("Na Chi Lăng loại 1", "na chi lang loai 1"),
    ("Trứng vịt (khay 10 quả)", "trung vit khay 10 qua"),
    ("Thủy sản – cá lồng!", "thuy san ca long"),
    ("  ", ""),
    ("🍯 mật", "mat"),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_handles_precomposed_and_decomposed_input_alike():
    import unicodedata
    assert fold(unicodedata.normalize("NFD", "Mật ong")) == fold(unicodedata.normalize("NFC", "Mật ong"))


@pytest.mark.parametrize("query, expected", [
    ('"mat ong"', ["mat", "ong"]),
    ("na* -chi OR lang", ["na", "chi", "or", "lang"]),
    ("NEAR(a b)", ["near", "a", "b"]),
    ("'; DROP TABLE products; --", ["drop", "table", "products"]),
    ("", []),
    ("😀😀", []),
    ("mat mat ong", ["mat", "ong"]),
])
def test_terms_are_plain_words(query, expected):
    assert terms(query) == expected


def test_terms_are_bounded():
    assert len(terms(" ".join(f"w{i}" for i in range(50)))) == 8
    assert terms("x" * 1000) == ["x" * 40]


def test_exact_words_only_when_the_query_has_diacritics():
    assert exact_words("Mật ong") == ["mật", "ong"]
    assert exact_words("mat ong") == []


def test_starts_words_needs_every_word_at_the_start_of_a_word():
    assert starts_words("quang hong", "HTX Quảng Hồng") and starts_words("", "anything")
    assert not starts_words("uang", "HTX Quảng Hồng") and not starts_words("quang son", "HTX Quảng Hồng")


def test_free_slug_numbers_the_taken_ones():
    assert free_slug("htx-na", set()) == "htx-na"
    assert free_slug("htx-na", {"htx-na", "htx-na-2"}) == "htx-na-3"
