"""Paper ballots read from an office scanner: pages → identity → registration → ticks → decision.

Each stage is its own module and a pure function of the one before, so that a page's reading can
be replayed from its image: `pages` (rasterise), `identify` (the QR code), `register` (the corner
marks), `measure` (ink in each cell), `decide` (the reading and its reason).
"""
