"""The layering rules of docs/design.md, checked on the source."""
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "marketplace"
PURE_MODULES = [
    "common/phone.py",
    "common/taxcode.py",
    "common/urls.py",
    "common/places.py",
    "accounts/passwords.py",
    "common/folding.py",
    "catalog/availability.py",
    "audit/params.py",
    "vendors/documents.py",
    "vendors/images.py",
    "vendors/shipping.py",
    "vendors/product_csv.py",
    "inventory/labels.py",
    "common/money.py",
    "common/banks.py",
    "orders/states.py",
    "orders/cart.py",
    "payments/vietqr.py",
    "payments/statements.py",
    "payments/matching.py",
    "payments/gateway.py",
]
FRAMEWORKS = ("flask", "flask_", "sqlalchemy", "werkzeug", "wtforms")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def test_pure_modules_import_no_framework():
    for relative in PURE_MODULES:
        imports = _imports(PACKAGE / relative)
        offending = {name for name in imports if name.startswith(FRAMEWORKS)}
        assert offending == set(), relative


def test_nothing_imports_views():
    for path in PACKAGE.rglob("*.py"):
        if path.name == "__init__.py" and path.parent == PACKAGE:
            continue  # the app factory registers the blueprints
        offending = {name for name in _imports(path) if name.rsplit(".", 1)[-1].endswith("views")}
        assert offending == set(), path


def test_modules_stay_small():
    for path in PACKAGE.rglob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, f"{path} is a god module: split it by concept"
