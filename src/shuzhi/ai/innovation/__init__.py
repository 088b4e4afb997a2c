"""Innovation intelligence (issue 17): patent topics, hot spots, white spaces — pure analysis over rows (README.md)."""
