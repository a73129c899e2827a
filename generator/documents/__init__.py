"""Document kinds: each declares itself once (kind.py) and builds the context both its DOCX and
its PDF template render; registry.py lists them all."""
