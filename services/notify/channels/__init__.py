"""Delivery channels: signed webhooks and e-mail."""
