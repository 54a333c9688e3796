"""Routing's projection of open cases (fed by cases' events), for duplicate detection."""
