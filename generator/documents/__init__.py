"""Document kinds: each builds the context both its DOCX and its PDF template render."""
