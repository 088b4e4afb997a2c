"""AI layer: natural-language questions (ai/nl: question → QuerySpec, chart recommendation) and insights
(ai/insights: forecasts, anomalies, attribution), all reading data through QuerySpecs."""
