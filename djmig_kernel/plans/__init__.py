"""The migration graph and migrate plans as plain data, built from the probe's JSON: MigrationDAG, MigrationPlan, sql_steps."""
