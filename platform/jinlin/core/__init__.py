"""Shared plumbing: settings, database, errors, clock, i18n, celery."""
