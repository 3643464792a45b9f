"""Todo API: users, their todo items, and a profile lookup against the company directory."""
