"""MigrationPicker: choose a target, preview ``migrate APP TARGET`` (plan, SQL, data lost) and run it."""
