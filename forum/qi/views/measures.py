"""Routes for QI measures."""
