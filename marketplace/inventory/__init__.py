"""Stock and traceability: stock movements, harvest lots, origin labels."""
