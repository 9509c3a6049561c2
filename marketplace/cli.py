"""Command-line tasks: `flask --app wsgi create-admin EMAIL`, `flask --app wsgi seed-demo`, `flask --app wsgi worker`."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from .accounts import services as accounts
from .accounts.models import User
from .accounts.passwords import password_weakness
from .database import refresh_planner_statistics
from .extensions import db
from .transaction import write_transaction


def _read_password(prompt_for_it: bool) -> str:
    """From an interactive prompt, or the first line of standard input; never from argv."""
    if prompt_for_it and sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@click.command("create-admin")
@with_appcontext
@click.argument("email")
@click.option("--name", default="Quản trị viên", show_default=True, help="Full name of a new account.")
def create_admin(email: str, name: str) -> None:
    """Create a platform admin, or promote an existing account.

    The password is asked for at a prompt, or read from the first line of standard
    input when that is not a terminal. For an existing account an empty password
    keeps the current one.
    """
    existing = accounts.find_user_by_email(email)
    password = _read_password(prompt_for_it=True)
    if existing is None and not password:
        raise click.ClickException("A new admin account needs a password.")
    if password:
        weakness = password_weakness(password, (email,))
        if weakness:
            raise click.ClickException(f"Password refused as too weak ({weakness.value}).")
    user, created = accounts.create_or_promote_admin(email, password or None, name)
    click.echo(f"{'Created' if created else 'Promoted'} admin {user.email}.")


@click.command("seed-demo")
@with_appcontext
@click.option("--if-empty", is_flag=True, help="Only when the database has no accounts yet.")
@click.option(
    "--allow-production", is_flag=True, help="Needed to load demo data in production mode."
)
def seed_demo(if_empty: bool, allow_production: bool) -> None:
    """Load the Lạng Sơn demo data. Running it again changes nothing."""
    from .demo import load_demo_data

    if current_app.config["MARKETPLACE_ENV"] == "production" and not allow_production:
        raise click.ClickException(
            "Refusing to load demo data in production mode; add --allow-production if you mean it."
        )
    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("Database already has accounts; demo data not loaded.")
        return
    summary = load_demo_data()
    click.echo("Demo data: " + ", ".join(f"{n} new {what}" for what, n in summary.items()) + ".")


@click.command("reindex-search")
@click.option("--missing-only", is_flag=True, help="Only products that have no search document yet.")
@with_appcontext
def reindex_search(missing_only: bool) -> None:
    """Rebuild the product search documents (after an import or an upgrade)."""
    from .catalog.search import products_missing_documents, reindex_products

    @write_transaction
    def rebuild() -> int:
        return reindex_products(products_missing_documents() if missing_only else None)

    click.echo(f"Search documents rebuilt for {rebuild()} products.")
    refresh_planner_statistics(db.engine)


@click.command("notify-low-stock")
@with_appcontext
def notify_low_stock() -> None:
    """Email each cooperative's owner and staff the published products at or below their threshold."""
    from .vendors.emails import send_low_stock_digest
    from .site_links import site_url
    from .vendors.low_stock import low_stock_digests

    link = site_url("vendor_products.product_list")
    digests = low_stock_digests()
    for digest in digests:
        send_low_stock_digest(digest, link)
    click.echo(f"Low-stock digests sent to {sum(len(d.recipients) for d in digests)} people "
               f"of {len(digests)} cooperatives.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker(burst: bool) -> None:
    """Run the background jobs queued in Redis (order emails and the like)."""
    from .jobs import work

    if not current_app.config["REDIS_URL"]:
        raise click.ClickException(
            "REDIS_URL is not set: without it jobs run inline in the web process and there is no queue to work on."
        )
    work(burst=burst)


@click.command("expire-reservations")
@with_appcontext
def expire_reservations_command() -> None:
    """Cancel the unpaid orders whose stock reservation has run out, and email their buyers (for cron)."""
    from .orders.fulfilment import expire_reservations
    from .orders.notifications import notify_state_changed

    events = expire_reservations()
    notify_state_changed(*events)
    click.echo(f"{len(events)} unpaid vendor orders cancelled: their reservation had expired.")


@click.command("sync-payments")
@with_appcontext
def sync_payments() -> None:
    """Re-read pending card payments and refunds from the gateway, for webhooks that were lost, and
    send again the refunds it never got (for cron)."""
    from .payments.card import sync_pending

    report = sync_pending()
    refunds = report.card_refunds
    click.echo(f"Card payments: {report.settled} settled, {report.given_up} given up (never reached the gateway, "
               f"nothing charged), {report.still_pending} still pending, {report.unreachable} not answered about. "
               f"Card refunds: {refunds.settled} settled, {refunds.still_pending} still pending, "
               f"{refunds.unreachable} not answered about.")
    if report.unreachable or refunds.unreachable:
        raise click.ClickException("The card gateway did not answer about some payments or refunds; "
                                   "run this again later.")


def register_commands(app) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(reindex_search)
    app.cli.add_command(notify_low_stock)
    app.cli.add_command(worker)
    app.cli.add_command(expire_reservations_command)
    app.cli.add_command(sync_payments)
