"""GET-only JSON endpoints under /api/v1. Errors are JSON too (see marketplace.errors)."""
from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, jsonify, request

from ..accounts.guards import public
from ..catalog import services as catalog
from ..catalog.listing import UnknownFilterValue, find_products
from ..catalog.messages import filter_error_message
from ..catalog.models import ProductStatus
from ..catalog.params import InvalidParameter, parse_product_query, parse_province
from ..common.vntime import vietnam_today
from ..i18n import current_language
from ..page_cache import cached_page
from ..vendors import services as vendors
from . import API_PREFIX
from . import representations as represent
from .openapi import openapi_document

bp = Blueprint("api", __name__, url_prefix=API_PREFIX + "v1")

CACHE_SECONDS = 60


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@bp.errorhandler(BadParameter)
def _bad_parameter(error: BadParameter):
    body = {"error": {"status": 400, "message": error.message, "parameter": error.parameter}}
    return jsonify(body), 400


@bp.after_request
def _cacheable(response):
    if response.status_code == 200:
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_SECONDS
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def _parsed(parse, args):
    try:
        return parse(args)
    except InvalidParameter as error:
        raise BadParameter(error.name, filter_error_message(error)) from None


@bp.get("/products")
@public
@cached_page
def products():
    query = _parsed(partial(parse_product_query, allow_per_page=True), request.args)
    today = vietnam_today()
    try:
        results = find_products(query, today)
    except UnknownFilterValue as error:
        raise BadParameter(error.field, filter_error_message(error)) from None
    slugs = {node.id: node.slug for node in catalog.all_categories(catalog.categories_tree())}
    return jsonify(represent.product_page(results, today.month, slugs))


@bp.get("/products/<slug>")
@public
@cached_page
def product(slug: str):
    found = catalog.public_product(slug)
    if found is None:
        abort(404)
    today = vietnam_today()
    return jsonify(represent.product_detail(found, today.month, today, current_language()))


@bp.get("/coops")
@public
@cached_page
def cooperatives():
    province = _parsed(parse_province, request.args)
    found = vendors.public_cooperatives(province=province, name=request.args.get("q", "")[:200])
    return jsonify({"items": [represent.cooperative(coop, count) for coop, count in found], "total": len(found)})


@bp.get("/coops/<slug>")
@public
@cached_page
def cooperative(slug: str):
    found = vendors.public_cooperative(slug)
    if found is None:
        abort(404)
    count = vendors.product_counts_by_status(found.id)[ProductStatus.PUBLISHED]
    certifications = vendors.cooperative_certifications(found.id, vietnam_today())
    return jsonify(represent.cooperative_detail(found, count, certifications))


@bp.get("/categories")
@public
@cached_page
def categories():
    locale = current_language()
    return jsonify({"items": [represent.category(top, locale) for top in catalog.categories_tree()]})


@bp.get("/openapi.json")
@public
@cached_page
def openapi():
    return jsonify(openapi_document())
