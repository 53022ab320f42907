"""Placeholder: being written."""


def register(commands) -> None:
    """Add this module's subcommand (not yet)."""
