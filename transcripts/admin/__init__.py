"""The editors' admin, one module per area; importing them registers the model admins."""

from . import quotes, records, sections, tags  # noqa: F401
