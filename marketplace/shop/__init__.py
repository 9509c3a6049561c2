"""Storefront: home, catalog, cooperative pages, search."""
