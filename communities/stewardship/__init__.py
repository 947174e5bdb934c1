"""stewardship room."""
