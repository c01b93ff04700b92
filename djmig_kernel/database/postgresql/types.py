"""Spell a Django db_type the way PostgreSQL's format_type() reports the column it made."""

import re

__all__ = ["normalise_db_type"]

# Input spellings PostgreSQL accepts -> the name format_type() prints for the column
_ALIASES = {
    "varchar": "character varying", "char": "character", "bpchar": "character", "int": "integer",
    "int4": "integer", "int8": "bigint", "int2": "smallint", "serial": "integer", "serial4": "integer",
    "bigserial": "bigint", "serial8": "bigint", "smallserial": "smallint", "serial2": "smallint",
    "float8": "double precision", "float": "double precision", "float4": "real", "bool": "boolean",
    "decimal": "numeric", "varbit": "bit varying", "timestamptz": "timestamp with time zone",
    "timetz": "time with time zone",
}
_TYPE = re.compile(r"(?P<name>[a-z_][a-z0-9_ ]*?)\s*(?:\((?P<args>[^)]*)\))?(?P<tz>\s+with(?:out)?\s+time\s+zone)?")


def normalise_db_type(db_type):
    """Return DB_TYPE (e.g. Django's ``varchar(512)``) as format_type() names it (``character varying(512)``).

    None (a field with no column, e.g. a ManyToManyField) stays None; an unknown type is only lower-cased.
    """
    if db_type is None:
        return None
    text = " ".join(db_type.strip().lower().split())
    dims = re.search(r"(\s*\[\d*\])+$", text)  # format_type prints one [] whatever the dimensions
    base = text[: dims.start()] if dims else text
    match = _TYPE.fullmatch(base)
    if not match:
        return text
    name = _ALIASES.get(match["name"], match["name"])
    args = match["args"]
    args = f"({','.join(a.strip() for a in args.split(','))})" if args is not None else ""
    if name in ("timestamp", "time"):  # without a zone PostgreSQL says so explicitly
        result = f"{name}{args}{' ' + ' '.join(match['tz'].split()) if match['tz'] else ' without time zone'}"
    elif name.endswith("time zone") and args:  # "timestamptz(3)" -> "timestamp(3) with time zone"
        result = name.replace(" with", f"{args} with", 1)
    else:
        result = f"{name}{args}"
    return result + ("[]" if dims else "")

