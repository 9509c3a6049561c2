"""The OpenAPI 3.1 description of /api/v1. Tests validate real responses against it."""
from __future__ import annotations

from functools import cache

from ..catalog.availability import StockStatus
from ..catalog.listing import MAX_PER_PAGE, PER_PAGE, Sort
from ..catalog.models import CertificationKind

VERSION = "1.0.0"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _query(name: str, description: str, schema: dict, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema, **extra}


def _json(description: str, schema_name: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(schema_name)}}}


SLUG = {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$"}
NULLABLE_INT = {"type": ["integer", "null"]}
PROVINCE = _query("province", "Province code (vietnam-provinces, the 34 provinces since July 2025).",
                  {"type": "integer", "minimum": 1, "maximum": 99})
BAD_REQUEST = _json("A parameter has a bad value; `parameter` names it.", "Error")
NOT_FOUND = _json("No public product or cooperative has this slug.", "Error")

PRODUCT_FILTERS = [
    _query("q", "Search words; accents optional (\"mat ong\" finds \"Mật ong\"), word prefixes match, all words must match.",
           {"type": "string", "maxLength": 1000}),
    _query("category", "Category slug; includes its sub-categories.", SLUG),
    _query("coop", "Cooperative slug.", SLUG),
    PROVINCE,
    _query("cert", "Certification; repeat for several (a product with any of them matches).",
           {"type": "array", "items": {"enum": [kind.value for kind in CertificationKind]}},
           style="form", explode=True),
    _query("min_price", "Lowest price in đồng.", {"type": "integer", "minimum": 0}),
    _query("max_price", "Highest price in đồng.", {"type": "integer", "minimum": 0}),
    _query("in_stock", "Only products with stock.", {"enum": ["0", "1", "true", "false"]}),
    _query("sort", "Order of the results.", {"enum": [sort.value for sort in Sort], "default": Sort.RELEVANCE.value}),
    _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1, "default": 1}),
    _query("per_page", "Products per page.", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                               "default": PER_PAGE}),
]

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["status", "message"],
            "properties": {
                "status": {"type": "integer"},
                "message": {"type": "string", "description": "In the request's language."},
                "parameter": {"type": "string"},
            },
        }},
    },
    "Place": {
        "type": "object",
        "required": ["ward_code", "ward_name", "province_code", "province_name"],
        "properties": {
            "ward_code": {"type": "integer"},
            "ward_name": {"type": "string"},
            "province_code": {"type": "integer"},
            "province_name": {"type": "string"},
        },
    },
    "ProductSummary": {
        "type": "object",
        "required": ["id", "slug", "name", "price_vnd", "unit", "stock_status", "category", "coop", "url",
                     "image_url"],
        "properties": {
            "id": {"type": "integer"},
            "slug": SLUG,
            "name": {"type": "string"},
            "price_vnd": {"type": "integer", "minimum": 1, "description": "Price per unit in đồng."},
            "unit": {"type": "string"},
            "stock_status": {"enum": [status.value for status in StockStatus]},
            "category": {**SLUG, "description": "Category slug."},
            "coop": {
                "type": "object",
                "required": ["slug", "name"],
                "properties": {"slug": SLUG, "name": {"type": "string"}},
            },
            "url": {"type": "string", "format": "uri"},
            "image_url": {"type": ["string", "null"], "format": "uri"},
        },
    },
    "ProductDetail": {
        "allOf": [_ref("ProductSummary"), {
            "type": "object",
            "required": ["description", "category_name", "origin", "season_months", "certifications",
                         "published_at"],
            "properties": {
                "description": {"type": "string"},
                "category_name": {"type": "string"},
                "origin": _ref("Place"),
                "season_months": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 12},
                                  "description": "Months of the season; empty means all year."},
                "certifications": {"type": "array", "items": {
                    "type": "object",
                    "required": ["kind", "ocop_stars", "expires_on"],
                    "properties": {
                        "kind": {"enum": [kind.value for kind in CertificationKind]},
                        "ocop_stars": {"type": ["integer", "null"], "minimum": 3, "maximum": 5},
                        "expires_on": {"type": ["string", "null"], "format": "date"},
                    },
                }},
                "published_at": {"type": ["string", "null"], "format": "date-time"},
            },
        }],
    },
    "ProductPage": {
        "type": "object",
        "required": ["items", "total", "page", "per_page", "pages", "facets"],
        "properties": {
            "items": {"type": "array", "items": _ref("ProductSummary")},
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "pages": {"type": "integer", "minimum": 1},
            "facets": {
                "type": "object",
                "description": "Number of matching products per category slug, province code and certification.",
                "required": ["category", "province", "cert"],
                "properties": {
                    name: {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}
                    for name in ("category", "province", "cert")
                },
            },
        },
    },
    "Cooperative": {
        "allOf": [_ref("Place"), {
            "type": "object",
            "required": ["slug", "name", "legal_name", "founded_year", "member_count", "product_count", "url",
                         "products_url"],
            "properties": {
                "slug": SLUG,
                "name": {"type": "string"},
                "legal_name": {"type": "string"},
                "founded_year": NULLABLE_INT,
                "member_count": NULLABLE_INT,
                "product_count": {"type": "integer", "minimum": 0},
                "url": {"type": "string", "format": "uri"},
                "products_url": {"type": "string", "format": "uri"},
            },
        }],
    },
    "CooperativeDetail": {
        "allOf": [_ref("Cooperative"), {
            "type": "object",
            "required": ["description", "contact", "certifications"],
            "properties": {
                "description": {"type": "string"},
                "contact": {
                    "type": "object",
                    "required": ["phone", "email"],
                    "properties": {
                        "phone": {"type": ["string", "null"], "pattern": "^\\+84[0-9]{9}$"},
                        "email": {"type": ["string", "null"], "format": "email"},
                    },
                },
                "certifications": {
                    "type": "array",
                    "description": "What its published products hold today; the most OCOP stars among them.",
                    "items": {
                        "type": "object",
                        "required": ["kind", "ocop_stars"],
                        "properties": {
                            "kind": {"enum": [kind.value for kind in CertificationKind]},
                            "ocop_stars": {"type": ["integer", "null"], "minimum": 3, "maximum": 5},
                        },
                    },
                },
            },
        }],
    },
    "CooperativeList": {
        "type": "object",
        "required": ["items", "total"],
        "properties": {"items": {"type": "array", "items": _ref("Cooperative")}, "total": {"type": "integer"}},
    },
    "Category": {
        "type": "object",
        "required": ["slug", "name", "children"],
        "properties": {
            "slug": SLUG,
            "name": {"type": "string", "description": "In the request's language."},
            "children": {"type": "array", "items": _ref("Category")},
        },
    },
    "CategoryList": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": _ref("Category")}},
    },
}

SLUG_PATH = {"name": "slug", "in": "path", "required": True, "schema": SLUG}


@cache
def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Chợ HTX (Co-op Market) catalog API",
            "version": VERSION,
            "description": "Read-only: published products of approved cooperatives. Prices are integer đồng. "
                           "Names and messages follow Accept-Language (vi or en; Vietnamese by default).",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/products": {"get": {
                "operationId": "listProducts",
                "summary": "Products, filtered, sorted and paged, with facet counts",
                "parameters": PRODUCT_FILTERS,
                "responses": {"200": _json("One page of products.", "ProductPage"), "400": BAD_REQUEST},
            }},
            "/products/{slug}": {"get": {
                "operationId": "getProduct",
                "summary": "One product",
                "parameters": [SLUG_PATH],
                "responses": {"200": _json("The product.", "ProductDetail"), "404": NOT_FOUND},
            }},
            "/coops": {"get": {
                "operationId": "listCooperatives",
                "summary": "Approved cooperatives by name",
                "parameters": [PROVINCE, _query("q", "Words of the cooperative's name, accents optional.",
                                                {"type": "string", "maxLength": 200})],
                "responses": {"200": _json("The cooperatives.", "CooperativeList"), "400": BAD_REQUEST},
            }},
            "/coops/{slug}": {"get": {
                "operationId": "getCooperative",
                "summary": "One cooperative",
                "parameters": [SLUG_PATH],
                "responses": {"200": _json("The cooperative.", "CooperativeDetail"), "404": NOT_FOUND},
            }},
            "/categories": {"get": {
                "operationId": "listCategories",
                "summary": "The category tree (two levels)",
                "responses": {"200": _json("Top categories with their sub-categories.", "CategoryList")},
            }},
        },
        "components": {"schemas": SCHEMAS},
    }
