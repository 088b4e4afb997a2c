"""AI layer: natural-language questions, chart recommendation (later: forecasting, anomalies)."""
