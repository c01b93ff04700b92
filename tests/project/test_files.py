"""File fingerprints: what tells the kit that a project's migration files or settings changed, reading metadata only."""

import os

from djmig_kernel.project.files import settings_fingerprint
from helpers import rewrite_keeping_time


def test_a_migration_file_rewritten_with_its_size_and_time_kept_changes_the_fingerprint(library):
    migration = library.path / "books" / "migrations" / "0002_book_pages.py"
    before = library.files_fingerprint()
    rewrite_keeping_time(migration, migration.read_text().replace("pages", "leafs"))
    assert library.files_fingerprint() != before


def test_a_settings_file_renamed_into_place_changes_the_fingerprint(library):
    """rsync writes a copy beside the file and renames it over it: another inode, even with the old time kept."""
    settings = library.path / "library" / "settings.py"
    before = settings_fingerprint(settings)
    info = settings.stat()
    copy = settings.with_name("settings.py.tmp")
    copy.write_text(settings.read_text().replace("DEBUG = True", "DEBUG = 1==1"))
    os.utime(copy, ns=(info.st_atime_ns, info.st_mtime_ns))
    os.replace(copy, settings)
    assert settings_fingerprint(settings) != before
