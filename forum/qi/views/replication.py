"""Routes for QI replication."""
