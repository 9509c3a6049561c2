"""Accounts: registration, login, password reset, roles and access guards."""
