"""The read-only JSON API through the real stack, every response checked against its OpenAPI document."""
import re
from urllib.parse import urlencode

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from marketplace.catalog.search import reindex_products
from marketplace.demo import load_demo_data
from marketplace.extensions import db
from marketplace.models import Cooperative, CooperativeStatus, ProductStatus

from ..factories import make_cooperative, make_product

HONEY = "mat-ong-hoa-rung-500ml"


@pytest.fixture
def demo(app):
    load_demo_data()


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def _operation_schema(spec, path: str, status: int) -> dict:
    """The response schema the document gives for the operation whose path template matches `path`."""
    for template, item in spec["paths"].items():
        pattern = "^/api/v1" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path):
            return item["get"]["responses"][str(status)]["content"]["application/json"]["schema"]
    raise AssertionError(f"{path} is not in the OpenAPI document")


def conforming(client, spec, url: str, status: int = 200, **headers) -> dict:
    """GET url, check status, JSON type and conformance to the document; return the body."""
    response = client.get(url, headers=headers)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    registry = Registry().with_resource("urn:api", Resource.from_contents(spec, default_specification=DRAFT202012))
    schema = _operation_schema(spec, url.split("?")[0], status)
    validator = Draft202012Validator({"$ref": "urn:api" + schema["$ref"]}, registry=registry,
                                     format_checker=FormatChecker())
    body = response.get_json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == [], url
    return body


def test_the_document_is_valid_openapi_3_1_and_covers_every_api_route(app, spec):
    validate_spec(spec)
    assert spec["openapi"].startswith("3.1")
    routes = {re.sub(r"<([^>]+)>", r"{\1}", rule.rule).removeprefix("/api/v1")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert routes - {"/openapi.json"} == set(spec["paths"])


def test_products_list_searches_without_diacritics(client, spec, demo):
    body = conforming(client, spec, "/api/v1/products?q=mat+ong")
    first = body["items"][0]
    assert first["slug"] == HONEY and first["name"] == "Mật ong hoa rừng Lạng Sơn 500 ml"
    assert first["price_vnd"] == 180_000 and isinstance(first["price_vnd"], int)
    assert first["coop"] == {"slug": "htx-quang-hong", "name": first["coop"]["name"]}
    assert first["category"] == "mat-ong" and first["url"].endswith(f"/products/{HONEY}")
    assert body["facets"]["category"] == {"mat-ong": body["total"]}


def test_products_list_pages_with_per_page_up_to_100(client, spec, app):
    coop = make_cooperative()
    for i in range(7):
        make_product(coop, name=f"Rau số {i}", price=1000 + i)
    first = conforming(client, spec, "/api/v1/products?sort=price_asc&per_page=3")
    last = conforming(client, spec, "/api/v1/products?sort=price_asc&per_page=3&page=3")
    beyond = conforming(client, spec, "/api/v1/products?per_page=3&page=4")
    assert (first["total"], first["pages"], first["per_page"]) == (7, 3, 3)
    assert [p["name"] for p in first["items"]] == ["Rau số 0", "Rau số 1", "Rau số 2"]
    assert [p["name"] for p in last["items"]] == ["Rau số 6"]
    assert beyond["items"] == [] and beyond["total"] == 7
    assert conforming(client, spec, "/api/v1/products?per_page=100")["per_page"] == 100


def test_every_filter_of_the_page_works_in_the_api(client, spec, demo):
    def slugs(query):
        return {p["slug"] for p in conforming(client, spec, "/api/v1/products?per_page=100&" + query)["items"]}

    everything = slugs("")
    assert slugs("category=trai-cay") >= slugs("category=na") and slugs("category=na")
    assert slugs("coop=htx-quang-hong") and slugs("coop=htx-quang-hong") < everything
    assert slugs("province=20") == everything
    assert slugs("cert=ocop") and slugs("cert=ocop&cert=vietgap") == slugs("cert=ocop") | slugs("cert=vietgap")
    prices = [p["price_vnd"] for p in conforming(client, spec, "/api/v1/products?min_price=50000&max_price=150000"
                                                 "&sort=price_desc&per_page=100")["items"]]
    assert prices == sorted(prices, reverse=True) and all(50_000 <= p <= 150_000 for p in prices)
    assert all(p["stock_status"] != "out_of_stock"
               for p in conforming(client, spec, "/api/v1/products?in_stock=1&per_page=100")["items"])


@pytest.mark.parametrize("query, parameter, message", [
    ("per_page=101", "per_page", "ngoài phạm vi"),
    ("page=0", "page", "ngoài phạm vi"),
    ("min_price=abc", "min_price", "số nguyên"),
    ("min_price=5000&max_price=100", "max_price", "Giá cao nhất"),
    ("cert=halal", "cert", "Không có"),
    ("sort=random", "sort", "Không có"),
    ("category=khong-co", "category", "Không có"),
    ("coop=khong-co", "coop", "Không có"),
    ("province=99", "province", "Không có"),
])
def test_a_bad_filter_value_is_a_400_naming_the_parameter(client, spec, demo, query, parameter, message):
    body = conforming(client, spec, f"/api/v1/products?{query}", 400)
    assert body["error"]["parameter"] == parameter and message in body["error"]["message"]


def test_messages_and_names_follow_accept_language(client, spec, demo):
    error = conforming(client, spec, "/api/v1/products?per_page=500", 400, **{"Accept-Language": "en-US,en;q=0.9"})
    assert error["error"]["message"] == "The products per page is out of range."
    english = conforming(client, spec, "/api/v1/categories", **{"Accept-Language": "en"})
    vietnamese = conforming(client, spec, "/api/v1/categories")
    assert [c["name"] for c in english["items"]][:2] == ["Fruit", "Honey & bee products"]
    assert vietnamese["items"][0]["name"] == "Trái cây"
    assert vietnamese["items"][0]["children"][0]["slug"] == "na"


@pytest.mark.parametrize("q", ['"', "mat*", "-ong", "AND", "OR NEAR(", "(mat", "🍯", "x" * 1000, "' OR 1=1 --"])
def test_hostile_search_input_is_a_normal_answer(client, spec, demo, q):
    conforming(client, spec, "/api/v1/products?" + urlencode({"q": q}))


def test_product_detail(client, spec, demo):
    body = conforming(client, spec, f"/api/v1/products/{HONEY}")
    assert body["slug"] == HONEY and body["origin"]["province_name"] == "Lạng Sơn"
    assert body["description"].startswith("Mật ong nguyên chất")
    conforming(client, spec, "/api/v1/products/khong-co-san-pham-nay", 404)


def test_cooperatives(client, spec, demo):
    everyone = conforming(client, spec, "/api/v1/coops")
    assert everyone["total"] == len(everyone["items"]) >= 5
    found = conforming(client, spec, "/api/v1/coops?q=quang+hong")["items"]
    assert [c["slug"] for c in found] == ["htx-quang-hong"]
    assert conforming(client, spec, "/api/v1/coops?province=20")["total"] == everyone["total"]
    assert conforming(client, spec, "/api/v1/coops?province=1")["items"] == []
    assert conforming(client, spec, "/api/v1/coops?province=x", 400)["error"]["parameter"] == "province"
    detail = conforming(client, spec, "/api/v1/coops/htx-quang-hong")
    assert detail["product_count"] == found[0]["product_count"] > 0
    assert detail["products_url"].endswith("/api/v1/products?coop=htx-quang-hong")
    assert detail["contact"] == {"phone": "+84981000002", "email": "quanghong@example.com"}
    assert detail["certifications"] == [{"kind": "ocop", "ocop_stars": 3}, {"kind": "vietgap", "ocop_stars": None}]
    conforming(client, spec, "/api/v1/coops/khong-co", 404)


def test_only_published_products_of_approved_cooperatives_are_in_the_api(client, spec, app):
    approved, pending = make_cooperative(), make_cooperative(status=CooperativeStatus.PENDING)
    visible = make_product(approved, name="Gạo nếp")
    draft = make_product(approved, name="Gạo tẻ", status=ProductStatus.DRAFT)
    hidden = make_product(pending, name="Gạo lứt")
    reindex_products()
    db.session.commit()
    assert [p["slug"] for p in conforming(client, spec, "/api/v1/products?q=gao")["items"]] == [visible.slug]
    for product in (draft, hidden):
        conforming(client, spec, f"/api/v1/products/{product.slug}", 404)
    conforming(client, spec, f"/api/v1/coops/{pending.slug}", 404)

    db.session.get(Cooperative, approved.id).status = CooperativeStatus.SUSPENDED
    db.session.commit()
    assert conforming(client, spec, "/api/v1/products?q=gao")["items"] == []
    conforming(client, spec, f"/api/v1/products/{visible.slug}", 404)
    assert approved.slug not in {c["slug"] for c in conforming(client, spec, "/api/v1/coops")["items"]}


def test_api_errors_are_json(client):
    for method, url, status in (("GET", "/api/v1/nothing-here", 404), ("POST", "/api/v1/products", 405),
                                ("DELETE", f"/api/v1/products/{HONEY}", 405)):
        response = client.open(url, method=method)
        assert response.status_code == status and response.mimetype == "application/json"
        assert response.get_json()["error"]["status"] == status


def test_responses_are_cacheable_for_a_minute(client, demo):
    response = client.get("/api/v1/products")
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Accept-Language" in response.headers["Vary"]
    assert "max-age" not in client.get("/api/v1/products?page=abc").headers.get("Cache-Control", "")
