"""Demo data built from the five source texts (shared/seeds). Figures the seeds do not give
are invented, plausible and marked as demo data. Each domain adds its own builder."""
