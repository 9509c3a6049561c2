from werkzeug.datastructures import MultiDict

from marketplace.common.querystring import with_changes

ARGS = MultiDict([("q", "mật ong"), ("cert", "ocop"), ("cert", "vietgap"), ("page", "3"), ("sort", "")])


def test_setting_a_value_keeps_the_rest_and_restarts_paging():
    assert with_changes("/products", ARGS, sort="price_asc") == \
        "/products?q=m%E1%BA%ADt+ong&cert=ocop&cert=vietgap&sort=price_asc"


def test_removing_a_parameter_or_one_of_its_values():
    assert with_changes("/products", ARGS, q=None) == "/products?cert=ocop&cert=vietgap"
    assert with_changes("/products", ARGS, remove_value=("cert", "ocop")) == \
        "/products?q=m%E1%BA%ADt+ong&cert=vietgap"


def test_changing_the_page_keeps_everything_else():
    assert with_changes("/products", ARGS, drop=(), page=4) == \
        "/products?q=m%E1%BA%ADt+ong&cert=ocop&cert=vietgap&page=4"


def test_nothing_left_gives_the_bare_path():
    assert with_changes("/products", MultiDict([("page", "2")])) == "/products"
