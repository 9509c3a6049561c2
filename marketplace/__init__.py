"""Chợ HTX (Co-op Market): a marketplace for Vietnam's agricultural cooperatives."""
from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .common.querystring import MAX_ID
from .config import load_config

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in routes: no larger than a PostgreSQL integer column holds, so a huge id in a URL
    matches no route (404) instead of reaching the database (an out-of-range error)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides what the environment says (used by tests)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    settings = load_config(app.instance_path, (config or {}).get("ENVIRON"))
    settings.update({k: v for k, v in (config or {}).items() if k != "ENVIRON"})
    app.config.update(settings)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(PROJECT_ROOT / "translations")
    if app.config["MARKETPLACE_ENV"] == "production":
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)

    app.url_map.converters["int"] = DatabaseIdConverter
    register_extensions(app)
    register_blueprints(app)
    _register_request_helpers(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (every model registered before the mappers configure)
    from .catalog import cache as catalog_cache
    from .database import tune_sqlite
    from .extensions import babel, csrf, db, limiter, login_manager, mailer, migrate
    from .i18n import select_locale

    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    mailer.init_app(app)
    catalog_cache.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(models.load_user)


def register_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .api.views import bp as api_bp
    from .audit.views import bp as audit_bp
    from .orders.views import bp as cart_bp
    from .orders.checkout_views import bp as checkout_bp
    from .orders.vendor_views import bp as vendor_orders_bp
    from .payments.vendor_views import bp as vendor_payments_bp
    from .payments.views import bp as payments_bp
    from .payments.statement_views import bp as statements_bp
    from .inventory.views import bp as vendor_lots_bp, tracing as trace_bp
    from .shop.views import bp as shop_bp
    from .vendors.import_views import bp as product_import_bp
    from .vendors.product_views import bp as vendor_products_bp
    from .vendors.product_views import image_files as product_images_bp
    from .vendors.views import applying as applications_bp
    from .vendors.views import bp as vendors_bp
    from .vendors.settings_views import bp as vendor_settings_bp, image_files as cooperative_images_bp

    for blueprint in (shop_bp, cart_bp, accounts_bp, applications_bp, vendors_bp, vendor_products_bp, product_import_bp,
                      vendor_settings_bp, cooperative_images_bp, product_images_bp, vendor_lots_bp, trace_bp, admin_bp,
                      audit_bp, api_bp, vendor_orders_bp, checkout_bp, payments_bp, vendor_payments_bp,
                      statements_bp):
        app.register_blueprint(blueprint)


def _register_request_helpers(app: Flask) -> None:
    from .cli import register_commands
    from .errors import register_error_handlers
    from .i18n import register_template_helpers
    from .security import register_security_headers

    register_error_handlers(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_commands(app)
