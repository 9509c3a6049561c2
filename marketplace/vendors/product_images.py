"""Product photos: up to MAX_IMAGES per product, checked and re-encoded by vendors.images, stored
under random names; served publicly only while the product is (vendors.product_views)."""
from __future__ import annotations

from sqlalchemy import func, select

from ..catalog.listing import visible_products
from ..catalog.models import Product, ProductImage
from ..extensions import db
from ..transaction import write_transaction
from . import images
from .products import product_of
from .services import may_see_unpublished

MAX_IMAGES = 6


class TooManyImages(Exception):
    """The product already has MAX_IMAGES photos."""


def add_image(cooperative_id: int, product_id: int, data: bytes, upload_folder: str) -> ProductImage:
    """Raises images.ImageRefused for anything that is not a photo we take, TooManyImages, LookupError."""
    product_of(cooperative_id, product_id)
    files = images.renditions(images.PRODUCT, data)
    stored_name = images.new_stored_name()
    images.save(upload_folder, stored_name, files)
    try:
        return _record_image(cooperative_id, product_id, stored_name, files)
    except BaseException:
        images.remove(upload_folder, images.PRODUCT, stored_name)
        raise


@write_transaction
def _record_image(cooperative_id: int, product_id: int, stored_name: str,
                  files: list[images.Rendition]) -> ProductImage:
    product = db.session.get(Product, product_id, with_for_update={"of": Product})  # one upload at a time
    if product is None or product.cooperative_id != cooperative_id:
        raise LookupError(product_id)
    count, last = db.session.execute(select(func.count(ProductImage.id), func.max(ProductImage.position))
                                     .where(ProductImage.product_id == product_id)).one()
    if count >= MAX_IMAGES:
        raise TooManyImages()
    widest = files[-1]
    image = ProductImage(product_id=product_id, position=(last or 0) + 1, stored_name=stored_name,
                         widths=",".join(str(f.width) for f in files), width=widest.size[0], height=widest.size[1])
    db.session.add(image)
    db.session.flush()
    return image


def _image_of(cooperative_id: int, product_id: int, image_id: int) -> ProductImage:
    product_of(cooperative_id, product_id)
    image = db.session.get(ProductImage, image_id)
    if image is None or image.product_id != product_id:
        raise LookupError(image_id)
    return image


def remove_image(cooperative_id: int, product_id: int, image_id: int, upload_folder: str) -> None:
    stored_name = _delete_image(cooperative_id, product_id, image_id)
    images.remove(upload_folder, images.PRODUCT, stored_name)  # after the commit: no row points at it


@write_transaction
def _delete_image(cooperative_id: int, product_id: int, image_id: int) -> str:
    image = _image_of(cooperative_id, product_id, image_id)
    db.session.delete(image)
    return image.stored_name


@write_transaction
def make_first(cooperative_id: int, product_id: int, image_id: int) -> None:
    image = _image_of(cooperative_id, product_id, image_id)
    first = db.session.scalar(select(func.min(ProductImage.position)).where(ProductImage.product_id == product_id))
    image.position = first - 1


def image_file(user, file_name: str) -> tuple[ProductImage, bool] | None:
    """The photo this file belongs to and whether it is public (its product is visible); members of
    the product's cooperative and admins also see the others. None for anyone else or any other name."""
    parsed = images.parse_file_name(file_name)
    if parsed is None:
        return None
    stored_name, width = parsed
    image = db.session.scalar(select(ProductImage).where(ProductImage.stored_name == stored_name))
    if image is None or str(width) not in image.widths.split(","):
        return None
    public = db.session.scalar(visible_products().with_only_columns(Product.id)
                               .where(Product.id == image.product_id)) is not None
    if public:
        return image, True
    return (image, False) if may_see_unpublished(user, image.product.cooperative_id) else None
