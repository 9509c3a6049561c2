"""Read-only JSON API (v1) over the public catalog: the same visibility rules as the pages."""
