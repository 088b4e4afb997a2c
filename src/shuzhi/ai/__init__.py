"""AI layer: natural-language questions (ai/nl: question → QuerySpec, chart recommendation) and insights
(ai/insights: forecasts, anomalies, attribution) and innovation intelligence (ai/innovation: patent topics,
hot spots, white spaces), all reading data through QuerySpecs."""
