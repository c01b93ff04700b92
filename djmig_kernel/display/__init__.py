"""How the kit's objects look in a notebook: DAG drawings, tables and HTML pieces (no I/O, imports no other part)."""
