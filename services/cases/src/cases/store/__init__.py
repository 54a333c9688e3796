"""SQL over the case tables, shared by the consumer, the workflow and the API."""
