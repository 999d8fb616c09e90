"""The editors' admin, one module per area; importing them registers the model admins."""

from . import quotes, records  # noqa: F401
