"""Routes for QI attachments."""
