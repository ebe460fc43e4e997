"""Staff import from HR files: read (CSV/XLSX), validate, compare, apply."""
