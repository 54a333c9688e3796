"""The one exception the launcher raises for problems a person has to act on."""


class StackError(RuntimeError):
    """Something the user can fix (missing package, port in use, component failed to start)."""
