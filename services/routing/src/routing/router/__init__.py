"""The router: from `report.submitted` to `routing.decided`."""
