from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for

from ..accounts.guards import public
from ..catalog import services as catalog
from ..catalog.availability import season_months
from ..catalog.listing import ProductQuery, Sort, UnknownFilterValue, find_products
from ..catalog.messages import filter_error_message
from ..catalog.models import CertificationKind
from ..catalog.params import InvalidParameter, parse_product_query, parse_province
from ..common.urls import safe_next
from ..common.vntime import vietnam_today
from ..extensions import csrf
from ..i18n import LOCALE_COOKIE
from ..page_cache import cached_page
from ..vendors import services as vendors
from . import presenters

bp = Blueprint("shop", __name__)
bp.add_app_template_global(presenters.availability, "stock_status_of")
bp.add_app_template_global(presenters.valid_certifications, "valid_certifications")
bp.add_app_template_global(season_months, "season_months")
bp.add_app_template_global(tuple(CertificationKind), "certification_kinds")

HOME_SHELF = 8

@bp.route("/")
@public
@cached_page
def home():
    today = vietnam_today()
    bestsellers = find_products(ProductQuery(sort=Sort.BESTSELLING, per_page=HOME_SHELF), today, with_facets=False)
    return render_template(
        "shop/home.html",
        categories=catalog.categories_tree(),
        featured=bestsellers.items,
        seasonal=catalog.seasonal_products(today.month, HOME_SHELF),
        cooperatives=vendors.cooperatives_with_most_products(HOME_SHELF),
    )

def _listing(template: str, fixed: dict, **context):
    """A product list page for the query string, with `fixed` filters (e.g. one cooperative)."""
    try:
        query = parse_product_query(request.args)
        query = ProductQuery(**{**query.__dict__, **fixed})
        results = find_products(query, vietnam_today())
    except (InvalidParameter, UnknownFilterValue) as error:
        return render_template(template, error=filter_error_message(error), results=None,
                               view=presenters.ListingView(request.path, request.args), **context), 400
    if results.total and query.page > results.pages:
        abort(404)
    view = presenters.ListingView(request.path, request.args, query, results)
    return render_template(template, results=results, view=view, error=None, **context)

@bp.route("/products")
@public
@cached_page
def product_list():
    return _listing("shop/products.html", fixed={})

@bp.route("/products/<slug>")
@public
@cached_page
def product_detail(slug: str):
    product = catalog.public_product(slug)
    if product is None:
        abort(404)
    return render_template(
        "shop/product.html",
        product=product,
        status=presenters.availability(product),
        related=catalog.related_products(product, limit=4),
    )

@bp.route("/coops")
@public
@cached_page
def cooperative_list():
    try:
        province = parse_province(request.args)
    except InvalidParameter as error:
        return render_template("shop/coops.html", cooperatives=[], error=filter_error_message(error)), 400
    name = request.args.get("q", "")[:200]
    return render_template(
        "shop/coops.html",
        cooperatives=vendors.public_cooperatives(province=province, name=name),
        provinces=vendors.provinces_with_cooperatives(),
        province=province,
        name=name,
        error=None,
    )

@bp.route("/coops/<slug>")
@public
@cached_page
def cooperative_detail(slug: str):
    cooperative = vendors.public_cooperative(slug)
    if cooperative is None:
        abort(404)
    return _listing("shop/coop.html", fixed={"coop": slug}, cooperative=cooperative,
                    certifications=vendors.cooperative_certifications(cooperative.id, vietnam_today()))

@bp.route("/language", methods=["POST"])
@public
@csrf.exempt
def set_language():
    """Remember the chosen language in a cookie and go back to the page the visitor was on.

    Exempt from CSRF: a forged request can only switch someone's display language, and a
    form without a per-visitor token keeps anonymous pages cacheable (shop.page_cache).
    """
    target = safe_next(request.form.get("next"), url_for(".home"))
    response = make_response(redirect(target))
    lang = request.form.get("lang", "")
    if lang in current_app.config["LANGUAGES"]:
        response.set_cookie(
            LOCALE_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


@bp.route("/sitemap.xml")
@public
@cached_page
def sitemap():
    """Every public page: only visible products and approved cooperatives are listed."""
    xml = render_template(
        "shop/sitemap.xml",
        product_slugs=catalog.public_product_slugs(),
        cooperative_slugs=[coop.slug for coop, _ in vendors.public_cooperatives()],
    )
    return current_app.response_class(xml, mimetype="application/xml")


@bp.route("/robots.txt")
@public
def robots():
    body = f"User-agent: *\nDisallow: /account\nDisallow: /vendor\nDisallow: /admin\nSitemap: {url_for('.sitemap', _external=True)}\n"
    return current_app.response_class(body, mimetype="text/plain")
