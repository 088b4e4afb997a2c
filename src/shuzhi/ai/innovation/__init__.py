"""Innovation intelligence: patent and R&D hot spots, project allocation, R&D efficiency and the 专精特新
self-assessment (see README.md)."""
