"""Staff API: `/v1/municipalities/{nis}/cases`."""
