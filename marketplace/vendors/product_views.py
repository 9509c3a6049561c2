"""Cooperative staff manage their products and stock: /vendor/products."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.guards import cooperative_required, public, refuse_cooperatives_not_yet_approved
from ..catalog.models import ProductStatus
from ..catalog.services import categories_tree
from ..i18n import current_language
from ..inventory.models import MovementReason
from ..inventory.stock import InsufficientStock
from . import images, product_images, products
from .image_responses import image_response
from .product_forms import ImageForm, MovementForm, ProductForm, StockCountForm, form_data_of
from .settings_messages import refusal_message as image_refusal_message

bp = Blueprint("vendor_products", __name__, url_prefix="/vendor/products")
image_files = Blueprint("product_images", __name__, url_prefix="/images/products")

INVALID_FORM = 422
bp.before_request(refuse_cooperatives_not_yet_approved)


def _cooperative():
    return current_user.membership.cooperative


def _category_choices() -> list[tuple[int, str]]:
    """Each top category followed by its sub-categories, indented."""
    locale = current_language()
    return [(child.id, ("— " if child is not top else "") + child.name(locale))
            for top in categories_tree() for child in (top, *top.children)]


def _form(**kwargs) -> ProductForm:
    return ProductForm(categories=_category_choices(), province_code=_cooperative().province_code, **kwargs)


def _product_or_404(product_id: int):
    try:
        return products.product_of(_cooperative().id, product_id)
    except LookupError:
        abort(404)


@bp.route("")
@cooperative_required
def product_list():
    status = request.args.get("status", "")
    category = request.args.get("category", "")
    found = products.products_of(
        _cooperative().id, search=request.args.get("q", "")[:200],
        status=ProductStatus(status) if status in set(ProductStatus) else None,
        category_id=int(category) if category.isascii() and category.isdigit() and len(category) < 10 else None,
    )
    return render_template("vendors/products.html", products=found, categories=_category_choices(),
                           statuses=list(ProductStatus), count_form=StockCountForm(),
                           low_stock=products.low_stock_products(_cooperative().id))


def _save(product_id: int | None, form: ProductForm, template_context: dict):
    if form.validate_on_submit():
        try:
            product = products.save_product(_cooperative().id, product_id, form.to_values(), user=current_user)
        except products.SkuTaken:
            form.sku.errors = [_("Another product of your cooperative has this SKU.")]
        else:
            flash(_("Product saved."), "success")
            return redirect(url_for(".edit", product_id=product.id))
    status = INVALID_FORM if form.is_submitted() else 200
    return render_template("vendors/product_form.html", form=form, **template_context), status


@bp.route("/new", methods=["GET", "POST"])
@cooperative_required
def new():
    return _save(None, _form(), {"product": None})


@bp.route("/<int:product_id>/edit", methods=["GET", "POST"])
@cooperative_required
def edit(product_id: int):
    product = _product_or_404(product_id)
    form = _form() if request.method == "POST" else _form(data=form_data_of(product))
    return _save(product_id, form, {"product": product, "image_form": ImageForm(),
                                    "max_images": product_images.MAX_IMAGES})


@bp.route("/<int:product_id>/archive", methods=["POST"])
@cooperative_required
def archive(product_id: int):
    _product_or_404(product_id)
    products.archive(_cooperative().id, product_id)
    flash(_("Product archived: buyers no longer see it; its history and lots are kept."), "success")
    return redirect(url_for(".product_list"))


@bp.route("/<int:product_id>/stock", methods=["GET", "POST"])
@cooperative_required
def stock(product_id: int):
    product = _product_or_404(product_id)
    form = MovementForm()
    if form.validate_on_submit():
        try:
            products.record_movement(_cooperative().id, product_id, form.signed_quantity(),
                                     MovementReason(form.reason.data), current_user, form.note.data)
        except InsufficientStock as short:
            form.quantity.errors = [_("Only %(n)d in stock: you cannot take more.", n=short.available)]
        else:
            flash(_("Stock updated."), "success")
            return redirect(url_for(".stock", product_id=product_id))
    return render_template("vendors/stock.html", product=product, form=form,
                           movements=products.movements_of(_cooperative().id, product_id)), \
        INVALID_FORM if form.is_submitted() else 200


@bp.route("/<int:product_id>/count", methods=["POST"])
@cooperative_required
def count(product_id: int):
    _product_or_404(product_id)
    form = StockCountForm()
    if form.validate_on_submit():
        products.set_stock(_cooperative().id, product_id, form.counted.data, current_user, _("Stock count"))
        flash(_("Stock updated."), "success")
    else:
        flash(" ".join(form.counted.errors) or _("Enter the number of units counted."), "error")
    return redirect(url_for(".product_list", **request.args))


@bp.route("/<int:product_id>/images", methods=["POST"])
@cooperative_required
def upload_image(product_id: int):
    _product_or_404(product_id)
    form = ImageForm()
    if form.validate_on_submit():
        data = form.image.data.read(images.MAX_IMAGE_BYTES + 1)
        try:
            product_images.add_image(_cooperative().id, product_id, data, current_app.config["UPLOAD_FOLDER"])
        except images.ImageRefused as refused:
            flash(image_refusal_message(refused.reason), "error")
        except product_images.TooManyImages:
            flash(_("A product has at most %(n)d photos: remove one first.", n=product_images.MAX_IMAGES), "error")
        else:
            flash(_("Photo added."), "success")
    else:
        flash(" ".join(form.image.errors), "error")
    return redirect(url_for(".edit", product_id=product_id))


@bp.route("/<int:product_id>/images/<int:image_id>/delete", methods=["POST"])
@cooperative_required
def delete_image(product_id: int, image_id: int):
    return _change_image(lambda: product_images.remove_image(_cooperative().id, product_id, image_id,
                                                             current_app.config["UPLOAD_FOLDER"]), product_id)


@bp.route("/<int:product_id>/images/<int:image_id>/first", methods=["POST"])
@cooperative_required
def first_image(product_id: int, image_id: int):
    return _change_image(lambda: product_images.make_first(_cooperative().id, product_id, image_id), product_id)


def _change_image(change, product_id: int):
    try:
        change()
    except LookupError:
        abort(404)
    return redirect(url_for(".edit", product_id=product_id))


@image_files.route("/<file_name>")
@public
def image(file_name: str):
    found = product_images.image_file(current_user, file_name)
    if found is None:
        abort(404)
    return image_response(file_name, public=found[1])
