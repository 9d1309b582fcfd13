"""The database: schema, migrations, imports and the aggregate queries the engine reads."""
