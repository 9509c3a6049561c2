from __future__ import annotations

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for

from ..accounts.guards import public
from ..catalog import services as catalog
from ..common.urls import safe_next
from ..i18n import LOCALE_COOKIE
from ..vendors import services as vendors

bp = Blueprint("shop", __name__)


@bp.route("/")
@public
def home():
    return render_template(
        "shop/home.html",
        cooperatives=vendors.public_cooperatives(),
        products=catalog.newest_products(),
    )


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Remember the chosen language in a cookie and go back to the page the visitor was on."""
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


@bp.route("/products")
@public
def product_list():
    return render_template("shop/products.html")


@bp.route("/products/<slug>")
@public
def product_detail(slug: str):
    return render_template("shop/product.html")


@bp.route("/coops")
@public
def cooperative_list():
    return render_template("shop/coops.html")


@bp.route("/coops/<slug>")
@public
def cooperative_detail(slug: str):
    return render_template("shop/coop.html")
