"""Notes on a case (internal or public; by staff or by the reporter) and the files they carry:
cleaned photos, staff PDFs, presigned downloads."""
