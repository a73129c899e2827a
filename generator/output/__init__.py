"""The output layer: safe file names, a staging folder published in one step, a lock."""
