"""Write side of the registry: verb-first functions, actor explicit, flush but never commit."""
