"""Chinese full-text search: documents, queries, one backend per database, and the service."""
