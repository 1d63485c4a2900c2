"""Commands beyond `check`, each in its own module (arguments and exit codes only)."""
