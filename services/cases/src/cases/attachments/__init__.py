"""Files on case notes: upload (cleaned photos, PDFs for staff), listing, presigned download."""
