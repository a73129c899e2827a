"""The model layer: frozen data every later stage relies on, and the rules' pure arithmetic.

Nothing here reads or writes a file.
"""
