"""The catalog shared by the storefront, the cooperatives and orders: categories and products."""
