"""The editors' admin, one module per area; importing them registers the model admins."""

from . import records  # noqa: F401
