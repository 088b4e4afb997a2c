"""Innovation intelligence (issue 17): pure analyses over rows read by the service layer."""
