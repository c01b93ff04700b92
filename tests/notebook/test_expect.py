"""%%expect_error in a real IPython kernel: the cell shows the kit's one-line error marked as expected, its reply
is ok, and the requests queued behind it (as Run All queues them) run."""

import re

import pytest
from jupyter_client.manager import start_new_kernel

NO_SANDBOX = "no Sandbox in this notebook; make one with sb = Sandbox.create(ROOT)"
NO_PROJECT = "no manage.py in 'nowhere'; open the folder that holds manage.py, or make one with Sandbox.create(root)"


@pytest.fixture(scope="module")
def kernel():
    """A client of a real ipykernel with ``%load_ext djmig_kernel`` run; shut down after the module."""
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        assert _run(client, "%load_ext djmig_kernel\nfrom djmig_kernel import Sandbox")[0] == "ok"
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def _run(client, code):
    """Execute CODE as Run All does (stop_on_error); return its reply's status, ename and what it showed."""
    shown = []

    def keep(message):
        kind, content = message["header"]["msg_type"], message["content"]
        if kind == "stream":
            shown.append((content["name"], content["text"]))
        elif kind == "error":
            shown.append(("error", content["ename"], _plain("".join(content["traceback"]))))

    reply = client.execute_interactive(code, stop_on_error=True, output_hook=keep, timeout=60)["content"]
    return reply["status"], reply.get("ename"), shown


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_a_magic_that_fails_shows_its_one_line_marked_expected_and_the_reply_is_ok(kernel):
    status, _, shown = _run(kernel, "%%expect_error\n%manage migrate")
    assert status == "ok"
    assert shown == [("error", "MagicUsageError", f"MagicUsageError (expected): {NO_SANDBOX}")]


def test_a_djmig_error_shows_as_one_line_marked_expected_and_the_reply_is_ok(kernel):
    status, _, shown = _run(kernel, "%%expect_error\nSandbox.open('nowhere')")
    assert status == "ok"
    assert shown == [("error", "NoProjectError", f"NoProjectError (expected): {NO_PROJECT}")]


UNKNOWN = ("UnknownMigrationError", "no migration matches '0009' in app 'books'; choose one of: zero, 0001_initial, "
                                    "0002_book_isbn, 0002_book_pages, 0003_merge")


def test_an_error_looks_the_same_whatever_raised_it(kernel, library):
    """%manage's errors and the API's show alike: the kit's one line, marked when the cell expects it."""
    name, message = UNKNOWN
    assert _run(kernel, f"sb = Sandbox.open({str(library.path)!r})")[0] == "ok"
    try:
        for cell in ["%manage migrate books 0009", "sb.migrate('books', '0009')"]:
            assert _run(kernel, f"%%expect_error\n{cell}") == ("ok", None, [("error", name, f"{name} (expected): {message}")])
            assert _run(kernel, cell) == ("error", name, [("error", name, f"{name}: {message}")])
    finally:
        _run(kernel, "del sb")


def test_a_cell_that_does_not_fail_is_an_error(kernel):
    status, ename, shown = _run(kernel, "%%expect_error\nfine = 1")
    assert (status, ename) == ("error", "MagicUsageError")
    assert shown == [("error", "MagicUsageError", "MagicUsageError: %%expect_error: the cell ran without the error "
                                                  "it is there to show")]
    assert _run(kernel, "assert fine == 1")[0] == "ok", "the cell ran"


def test_another_error_is_shown_in_full_and_is_an_error(kernel):
    status, ename, shown = _run(kernel, "%%expect_error\n1 / 0")
    assert (status, ename) == ("error", "MagicUsageError")
    assert [s[:2] for s in shown] == [("error", "ZeroDivisionError"), ("error", "MagicUsageError")]
    assert "Traceback" in shown[0][2]
    assert shown[1][2] == ("MagicUsageError: %%expect_error: the cell failed with ZeroDivisionError (above), "
                           "not with one of the kit's errors")


def test_a_syntax_error_is_an_error(kernel):
    status, ename, shown = _run(kernel, "%%expect_error\nSandbox.open(")
    assert (status, ename) == ("error", "MagicUsageError")
    assert [s[:2] for s in shown] == [("error", "SyntaxError"), ("error", "MagicUsageError")]
    assert shown[1][2] == ("MagicUsageError: %%expect_error: the cell failed with SyntaxError (above), "
                           "not with one of the kit's errors")


def test_arguments_are_refused(kernel):
    status, ename, shown = _run(kernel, "%%expect_error NoProjectError\nSandbox.open('nowhere')")
    assert (status, ename) == ("error", "MagicUsageError")
    assert shown == [("error", "MagicUsageError", "MagicUsageError: %%expect_error takes no arguments, not "
                                                  "'NoProjectError'; put the code on the lines below it")]


def _queued(client, first):
    """Send FIRST and a second cell at once, as Run All does; return the second reply's status."""
    client.execute(first, stop_on_error=True)
    second = client.execute("queued = True", stop_on_error=True)
    while True:
        reply = client.get_shell_msg(timeout=60)
        if reply["parent_header"]["msg_id"] == second:
            return reply["content"]["status"]


def test_the_cell_queued_behind_an_expected_error_runs(kernel):
    assert _queued(kernel, "%%expect_error\nSandbox.open('nowhere')") == "ok"


def test_the_cell_queued_behind_a_plain_error_is_aborted(kernel):
    """What %%expect_error is for: the kernel aborts what was queued behind an error reply."""
    assert _queued(kernel, "Sandbox.open('nowhere')") == "aborted"
