"""sql_steps: a plan's SQL, step by step, with the tables SQLite rebuilds, on a real project."""

from djmig_kernel.plans.sqlsteps import SQL_STEP_COLUMNS, sql_steps


def test_sql_steps_counts_statements_and_names_rebuilt_tables(shelf):
    shelf.write_models("shelf", "class Shelf(models.Model):\n    size = models.IntegerField(null=True)\n")
    shelf.makemigrations("shelf", name="shelf_size")  # nullable, no default: ALTER TABLE ADD COLUMN
    shelf.write_models("shelf", "class Shelf(models.Model):\n    size = models.IntegerField(default=1)\n")
    shelf.makemigrations("shelf", name="size_not_null")  # NOT NULL: the table is rebuilt
    plan = shelf.migration_plan("shelf", "0003")
    steps = sql_steps(plan)
    assert list(steps.columns) == SQL_STEP_COLUMNS
    assert steps.values.tolist() == [
        ["shelf.0001_initial", "apply", "Create model Shelf", 1, ""],
        ["shelf.0002_shelf_size", "apply", "Add field size to shelf", 1, ""],
        ["shelf.0003_size_not_null", "apply", "Alter field size on shelf", 4, "shelf_shelf"],
    ]
    # The same statements sqlmigrate prints.
    printed = shelf.manage("sqlmigrate", "shelf", "0003").stdout
    assert 'CREATE TABLE "new__shelf_shelf"' in printed
    assert printed.count(";") == 4 + 2  # and sqlmigrate's BEGIN; and COMMIT;


def test_sql_steps_of_a_rollback_across_apps(library):
    steps = sql_steps(library.migration_plan("authors", "zero"))
    assert steps["direction"].unique().tolist() == ["unapply"]
    assert steps["migration"].iloc[-1] == "authors.0001_squashed_0002_author_bio"
    counts = dict(zip(steps["migration"], steps["statements"]))
    assert counts.pop("books.0003_merge") == 0  # a merge migration runs no SQL
    assert all(counts.values())
    assert steps["migration"].iloc[0] == "books.0003_merge"  # books depends on authors: it goes first
