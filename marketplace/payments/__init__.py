"""Payments: cash on delivery, VietQR bank transfers with statement reconciliation, card payments through a Stripe-compatible API, refunds, and the payment records behind them."""
