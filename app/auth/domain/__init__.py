"""Pure rules of signing in: no database, framework or clock."""
