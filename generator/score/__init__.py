"""The score layer: ballots and assessments in, exact results out."""
