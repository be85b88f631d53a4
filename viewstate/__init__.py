"""viewstate."""
