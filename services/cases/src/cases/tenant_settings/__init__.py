"""A municipality's settings of case handling (what reporters see of staff)."""
