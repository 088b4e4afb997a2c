"""The semantic model (pure: no I/O): datasets, fields, joins, hierarchies, metrics, security rules."""
