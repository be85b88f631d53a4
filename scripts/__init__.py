"""Command-line tools: data builders and the export CLI."""
