"""Rendering: one context, two renderings (DOCX to edit, PDF to keep), real fonts only."""
