"""Reports: the channel-independent `submit_report` and the `/v1/reports` endpoints."""
