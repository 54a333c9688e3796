"""Reading routing decisions: what was decided for a report, and why."""
