"""Settings, read once from the environment (and a `.env` file when present)."""
from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from dotenv import dotenv_values

ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to change."""


def database_url(raw: str | None, instance_path: str) -> str:
    """The SQLAlchemy URL for DATABASE_URL, defaulting to a SQLite file in instance/.

    Plain `postgresql://` and `postgres://` URLs are mapped to the psycopg 3 driver.
    """
    if not raw:
        return "sqlite:///" + str(Path(instance_path) / "marketplace.db")
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def _development_secret_key(instance_path: str) -> str:
    """A key generated once per checkout and kept in instance/secret_key."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str, environ: Mapping[str, str] | None = None) -> dict:
    """Build the Flask config from environment variables; `.env` fills in what is unset."""
    env: dict[str, str] = {}
    env_file = Path(".env")
    if environ is None:
        if env_file.exists():
            env.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
        env.update(os.environ)
    else:
        env.update(environ)

    marketplace_env = env.get("MARKETPLACE_ENV", "development")
    if marketplace_env not in ENVIRONMENTS:
        raise ConfigError(
            f"MARKETPLACE_ENV={marketplace_env!r} is not one of {', '.join(ENVIRONMENTS)}."
        )
    production = marketplace_env == "production"

    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise ConfigError(
                "SECRET_KEY is not set. In production the app refuses to start without an "
                "explicit secret key: set SECRET_KEY to a long random value, e.g. the output of "
                "`python3 -c 'import secrets; print(secrets.token_hex(32))'`."
            )
        secret_key = _development_secret_key(instance_path)

    redis_url = env.get("REDIS_URL") or None
    return {
        "MARKETPLACE_ENV": marketplace_env,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url(env.get("DATABASE_URL"), instance_path),
        "REDIS_URL": redis_url,
        "SITE_URL": env.get("SITE_URL", "http://127.0.0.1:5000"),
        # Sessions and cookies
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=14),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        # Uploaded documents, outside static/: served only through access-checked views
        "UPLOAD_FOLDER": env.get("UPLOAD_FOLDER") or str(Path(instance_path) / "uploads"),
        "WTF_CSRF_TIME_LIMIT": None,
        # Form messages come from our own catalog. WTForms' built-in ones have no Vietnamese catalog to
        # use, and with this on Flask-WTF would read and parse their file again on every request.
        "WTF_I18N_ENABLED": False,
        # Language and time
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ("vi", "en"),
        # Rate limits (Flask-Limiter); Redis when REDIS_URL is set
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": _flag(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "LOGIN_LIMIT_PER_IP": env.get("LOGIN_LIMIT_PER_IP", "20 per minute; 200 per hour"),
        "LOGIN_LIMIT_PER_ACCOUNT": env.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute; 30 per hour"),
        "RESET_LIMIT_PER_IP": env.get("RESET_LIMIT_PER_IP", "10 per hour"),
        "RESET_LIMIT_PER_ACCOUNT": env.get("RESET_LIMIT_PER_ACCOUNT", "3 per hour"),
        "INVITATION_MAX_AGE": timedelta(days=int(env.get("INVITATION_MAX_AGE_DAYS", "7"))),
        "PASSWORD_RESET_MAX_AGE": timedelta(
            minutes=int(env.get("PASSWORD_RESET_MAX_AGE_MINUTES", "60"))
        ),
        # How long the stock of an unpaid order stays reserved (`flask expire-reservations` cancels it then)
        "ORDER_RESERVATION": timedelta(minutes=int(env.get("ORDER_RESERVATION_MINUTES", "30"))),
        # Mail: "file" writes .eml files under instance/mail, "smtp" sends, "memory" keeps them
        "MAIL_BACKEND": env.get("MAIL_BACKEND", "smtp" if production else "file"),
        "MAIL_SERVER": env.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(env.get("MAIL_PORT", "587")),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), True),
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER", "Chợ HTX <no-reply@example.com>"),
        # Product-list results cached per process (marketplace/catalog/cache.py); 0 switches it off
        "CATALOG_CACHE_SECONDS": float(env.get("CATALOG_CACHE_SECONDS", "60")),
        "CATALOG_CACHE_ENTRIES": int(env.get("CATALOG_CACHE_ENTRIES", "2000")),
        # Card payments through a Stripe-compatible API: offered at checkout when a secret key is set
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_PUBLISHABLE_KEY": env.get("STRIPE_PUBLISHABLE_KEY") or None,
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE") or "https://api.stripe.com",
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_TIMEOUT_SECONDS": float(env.get("STRIPE_TIMEOUT_SECONDS", "10")),
    }
