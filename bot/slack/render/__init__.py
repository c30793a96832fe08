"""Block Kit builders, one module per surface. Listeners and publishers render only here."""
