"""Orders: checkout, per-cooperative orders, their state machine and fulfilment (issue: checkout)."""
