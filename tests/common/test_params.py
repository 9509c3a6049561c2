import pytest
from werkzeug.datastructures import MultiDict

from marketplace.catalog.listing import ProductQuery, Sort
from marketplace.catalog.models import CertificationKind
from marketplace.catalog.params import InvalidParameter, Reason, parse_product_query


def parse(**kwargs):
    return parse_product_query(MultiDict(kwargs), allow_per_page=True)


def test_empty_query_string_gives_the_defaults():
    assert parse_product_query(MultiDict()) == ProductQuery()


def test_every_parameter_is_read():
    args = MultiDict([("q", " mat ong "), ("category", "mat-ong"), ("coop", "htx-quang-hong"), ("province", "20"),
                      ("cert", "ocop"), ("cert", "vietgap"), ("cert", "ocop"), ("min_price", "10.000"),
                      ("max_price", "200000"), ("in_stock", "1"), ("sort", "price_desc"), ("page", "3"),
                      ("per_page", "50")])
    query = parse_product_query(args, allow_per_page=True)
    assert query == ProductQuery(q="mat ong", category="mat-ong", coop="htx-quang-hong", province=20,
                                 certs=(CertificationKind.OCOP, CertificationKind.VIETGAP), min_price=10_000,
                                 max_price=200_000, in_stock=True, sort=Sort.PRICE_DESC, page=3, per_page=50)


def test_empty_fields_are_ignored_and_per_page_only_where_allowed():
    query = parse_product_query(MultiDict({"min_price": "", "category": " ", "per_page": "50"}))
    assert query.min_price is None and query.category is None and query.per_page == 24


@pytest.mark.parametrize("args, name, reason", [
    ({"page": "0"}, "page", Reason.OUT_OF_RANGE),
    ({"page": "abc"}, "page", Reason.NOT_A_NUMBER),
    ({"page": "-1"}, "page", Reason.NOT_A_NUMBER),
    ({"page": "99999999"}, "page", Reason.OUT_OF_RANGE),
    ({"min_price": "1e5"}, "min_price", Reason.NOT_A_NUMBER),
    ({"max_price": "9" * 16}, "max_price", Reason.NOT_A_NUMBER),
    ({"min_price": "500", "max_price": "100"}, "max_price", Reason.MIN_ABOVE_MAX),
    ({"province": "99"}, "province", Reason.UNKNOWN_VALUE),
    ({"cert": "halal"}, "cert", Reason.UNKNOWN_VALUE),
    ({"sort": "random"}, "sort", Reason.UNKNOWN_VALUE),
    ({"in_stock": "maybe"}, "in_stock", Reason.UNKNOWN_VALUE),
    ({"category": "Mật ong"}, "category", Reason.UNKNOWN_VALUE),
    ({"per_page": "101"}, "per_page", Reason.OUT_OF_RANGE),
])
def test_bad_values_name_the_parameter_and_reason(args, name, reason):
    with pytest.raises(InvalidParameter) as error:
        parse(**args)
    assert (error.value.name, error.value.reason) == (name, reason)


def test_long_queries_are_cut_not_refused():
    assert len(parse(q="x" * 5000).q) == 1000
