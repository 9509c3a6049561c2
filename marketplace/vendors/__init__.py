"""Cooperatives: their accounts, staff and (with later issues) applications, products and stock."""
