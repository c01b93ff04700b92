"""%%expect_error: a cell that fails on purpose shows its one-line error, and Run All goes on after it."""

from IPython.core.magic import Magics, cell_magic, magics_class

from ..exceptions import DjmigError, MagicUsageError
from .errors import expected


@magics_class
class ExpectErrorMagics(Magics):
    """%%expect_error."""

    @cell_magic
    def expect_error(self, line, cell):
        """%%expect_error: run the rest of the cell, which must fail with the kit's one-line error.

        The error shows as it would without the magic, marked "(expected)", and the cell counts as run:
        JupyterLab's Run All ends at the first cell whose reply is an error, even one tagged raises-exception.
        A cell that runs without an error, or fails with another error, fails (after its output).
        """
        if line.strip():
            raise MagicUsageError(
                f"%%expect_error takes no arguments, not {line.strip()!r}; put the code on the lines below it")
        with expected():
            result = self.shell.run_cell(cell, store_history=False)
        error = result.error_before_exec or result.error_in_exec
        if error is None:
            raise MagicUsageError("%%expect_error: the cell ran without the error it is there to show")
        if not isinstance(error, DjmigError):
            raise MagicUsageError(
                f"%%expect_error: the cell failed with {type(error).__name__} (above), not with one of the kit's errors"
            )
