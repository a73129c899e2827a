"""The signed archive: PDF/A, signatures, the bundle, the manifest, verification."""
