"""Platform administration (the provincial cooperative alliance)."""
