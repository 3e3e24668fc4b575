"""Output in the platforms' real export formats."""
