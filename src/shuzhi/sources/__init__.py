"""Layer 1: where data lives (file imports, database connections); no SQL building here."""
