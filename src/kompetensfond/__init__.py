"""kompetensfond: a Swedish municipality's competence-development fund."""
