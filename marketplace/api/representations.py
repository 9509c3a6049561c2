"""Catalog objects as the JSON the API returns. Field names and shapes are fixed by openapi.py."""
from __future__ import annotations

from flask import url_for

from ..catalog.availability import season_months, stock_status
from ..catalog.listing import ProductResults
from ..catalog.models import Category, Product
from ..common.places import province_name, ward_name
from ..vendors.models import Cooperative


def place(ward_code: int, province_code: int) -> dict:
    return {
        "ward_code": ward_code,
        "ward_name": ward_name(ward_code),
        "province_code": province_code,
        "province_name": province_name(province_code),
    }


def product_summary(product: Product, month: int) -> dict:
    return {
        "id": product.id,
        "slug": product.slug,
        "name": product.name,
        "price_vnd": product.price,
        "unit": product.unit,
        "stock_status": stock_status(product.stock_quantity, product.season_months, month).value,
        "category": product.category.slug,
        "coop": {"slug": product.cooperative.slug, "name": product.cooperative.name},
        "url": url_for("shop.product_detail", slug=product.slug, _external=True),
        "image_url": url_for("product_images.image", file_name=product.images[0].sources()[-1][0], _external=True)
        if product.images else None,
    }


def product_detail(product: Product, month: int, today, locale: str) -> dict:
    return {
        **product_summary(product, month),
        "description": product.description,
        "category_name": product.category.name(locale),
        "origin": place(product.origin_ward_code, product.origin_province_code),
        "season_months": season_months(product.season_months),
        "certifications": [
            {"kind": cert.kind.value, "ocop_stars": cert.ocop_stars,
             "expires_on": cert.expires_on.isoformat() if cert.expires_on else None}
            for cert in product.certifications_valid_on(today)
        ],
        "published_at": product.published_at.isoformat() if product.published_at else None,
    }


def product_page(results: ProductResults, month: int, category_slugs: dict[int, str]) -> dict:
    facets = results.facets
    return {
        "items": [product_summary(product, month) for product in results.items],
        "total": results.total,
        "page": results.page,
        "per_page": results.per_page,
        "pages": results.pages,
        "facets": {
            "category": {category_slugs[id_]: n for id_, n in facets["category"].items()},
            "province": {str(code): n for code, n in facets["province"].items()},
            "cert": {kind.value: n for kind, n in facets["cert"].items()},
        },
    }


def cooperative(coop: Cooperative, product_count: int) -> dict:
    return {
        "slug": coop.slug,
        "name": coop.name,
        "legal_name": coop.legal_name,
        **place(coop.ward_code, coop.province_code),
        "founded_year": coop.founded_year,
        "member_count": coop.member_count,
        "product_count": product_count,
        "url": url_for("shop.cooperative_detail", slug=coop.slug, _external=True),
        "products_url": url_for("api.products", coop=coop.slug, _external=True),
    }


def cooperative_detail(coop: Cooperative, product_count: int, certifications) -> dict:
    return {
        **cooperative(coop, product_count),
        "description": coop.description,
        "contact": {"phone": coop.contact_phone or None, "email": coop.contact_email or None},
        "certifications": [{"kind": kind.value, "ocop_stars": stars} for kind, stars in certifications],
    }


def category(node: Category, locale: str) -> dict:
    return {
        "slug": node.slug,
        "name": node.name(locale),
        "children": [category(child, locale) for child in node.children],
    }
