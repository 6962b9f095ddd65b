"""Otmetka's PostgreSQL backend: Django's, under django-tenants (ORIGINAL_BACKEND), with a
health check that is skipped for a connection used a moment ago (see `base`)."""
