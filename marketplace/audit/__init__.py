"""The audit log: security-relevant events across the app, append-only."""
