"""rhythm room."""
