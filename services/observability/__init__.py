"""Logs, request ids and error reporting, with personal data kept out of all of them."""
