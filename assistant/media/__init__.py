"""Media checks and preparation without Qt: images a person attaches (``images``)."""
