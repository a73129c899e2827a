"""Two renderings of one context: DOCX for editing, PDF for keeping."""
