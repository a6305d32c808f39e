"""Reading an uploaded sheet in a child process held to a CPU and memory budget (issue 12, CPU amplification).

A few hundred kB of XLSX can declare a sheet that costs tens of seconds of CPU and a lot of memory to read, and
the zip-bomb checks (credentials.spreadsheets.check_zip) look at declared sizes only. So the job runner never
reads a file itself: `read_sheet_within_budget` hands the bytes to a child process, which sets its own limits
with setrlimit before reading — RLIMIT_CPU (SIGXCPU at the budget, SIGKILL a second later) and RLIMIT_AS
(allocations past it fail with MemoryError) — and sends the rows back over a pipe: with marshal when every cell is
text or a number (a CSV always: 15 times faster to write than pickle), else pickled. Children are forked
by a fork server that has already imported the readers (a clean single-threaded process: forking the web
process, which runs threads, would not be safe), so a child costs a fork, not an interpreter start. The parent
unpickles with only the types a sheet holds allowed (marshal builds plain values and runs nothing), and waits
at most a wall-clock limit. Whatever goes wrong
becomes ImportRejected with a clear message: never a hang, a 500 or a runner killed by the file.

multiprocessing makes every child it starts this way import the parent's main script again (pytest's, flask's,
gunicorn's: up to a second of CPU each, since Python 3.11's fork server never preloads `__main__`, see
`_Popen`); the reader needs nothing from it, so its children are launched without that step.
"""

from __future__ import annotations

import io
import marshal
import multiprocessing
import os
import pickle
import resource
import signal
from dataclasses import dataclass
from multiprocessing import forkserver, popen_forkserver, reduction, spawn, util
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerProcess, set_spawning_popen
from types import FrameType
from typing import Any

from ..errors import ImportRejected
from ..spreadsheets import Sheet, read_sheet

_CONTEXT = multiprocessing.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["credentials.imports.sheet_budget", "openpyxl"])
_MAIN_KEYS = ("init_main_from_path", "init_main_from_name")
_MARSHALLED = b"M"  # first byte of an answer written with marshal; pickle's protocol 2+ streams begin with 0x80
_CPU_SIGNALS = (-signal.SIGXCPU, -signal.SIGKILL)
# What a sheet's cells and a refusal's parameters are made of; anything else in the stream is refused.
_ALLOWED = {("credentials.spreadsheets", "Formula"), ("datetime", "datetime"), ("datetime", "date"),
            ("datetime", "time"), ("datetime", "timedelta"), ("datetime", "timezone"), ("ladder.i18n", "Text")}


@dataclass(frozen=True)
class ParseBudget:
    cpu_seconds: int  # CPU time the child may use (IMPORT_PARSE_CPU_SECONDS)
    memory_mb: int  # its address space (IMPORT_PARSE_MEMORY_MB), interpreter and readers included

    @property
    def wall_seconds(self) -> float:
        """How long the parent waits for an answer: CPU time plus room for a busy machine."""
        return self.cpu_seconds * 3 + 10


def read_sheet_within_budget(data: bytes, budget: ParseBudget) -> Sheet:
    """`read_sheet(data)`, done by a child process within `budget`; raises ImportRejected."""
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _ReaderProcess(target=_read_in_child, args=(sender, data, budget), name="sheet-reader",
                             daemon=True)
    child.start()
    sender.close()  # the child holds the only writing end: its death is an end of file here
    try:
        payload = receiver.recv_bytes() if receiver.poll(budget.wall_seconds) else None
    except (EOFError, OSError):
        payload = None
    finally:
        receiver.close()
        child.join(timeout=1 if payload is not None else 0.1)
        if child.is_alive():
            child.kill()
            child.join()
    if payload is None:
        raise _refusal_for_death(child.exitcode, budget)
    return _answer(payload, budget)


def _refusal_for_death(exitcode: int | None, budget: ParseBudget) -> ImportRejected:
    if exitcode is None or exitcode in _CPU_SIGNALS:  # still running at the wall-clock limit, or killed by RLIMIT_CPU
        return ImportRejected("over_cpu_budget", field="file", seconds=budget.cpu_seconds)
    return ImportRejected("unreadable", field="file")


def _answer(payload: bytes, budget: ParseBudget) -> Sheet:
    try:
        if payload[:1] == _MARSHALLED:
            answer = marshal.loads(memoryview(payload)[1:])  # noqa: S302 - our own child wrote it; builds values only  # nosec B302
        else:
            answer = _SheetUnpickler(io.BytesIO(payload)).load()
    except (pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError):
        raise ImportRejected("unreadable", field="file") from None
    kind = answer[0]
    if kind == "sheet":
        return Sheet(answer[1], answer[2])
    if kind == "rejected":
        raise ImportRejected(answer[1], field=answer[2], **answer[3])
    if kind == "memory":
        raise ImportRejected("over_memory_budget", field="file", limit=budget.memory_mb)
    if kind == "cpu":
        raise ImportRejected("over_cpu_budget", field="file", seconds=budget.cpu_seconds)
    raise ImportRejected("unreadable", field="file")


class _SheetUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a sheet")
        return super().find_class(module, name)


class _OverCpu(BaseException):
    """Raised in the child by SIGXCPU (the soft CPU limit): it answers "cpu" before the hard limit kills it. Not
    an Exception, so that the readers' `except Exception` (a broken file) does not take it for one."""


def _over_cpu(signum: int, frame: FrameType | None) -> None:
    raise _OverCpu


def _read_in_child(sender: Connection, data: bytes, budget: ParseBudget) -> None:
    """In the child: limit itself, read, answer once. A child killed outright (hard CPU limit) sends nothing."""
    signal.signal(signal.SIGXCPU, _over_cpu)
    resource.setrlimit(resource.RLIMIT_CPU, (budget.cpu_seconds, budget.cpu_seconds + 2))
    memory = budget.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        sheet = read_sheet(data)
        answer = ("sheet", sheet.file_format, sheet.rows)
        try:
            payload = _MARSHALLED + marshal.dumps(answer)
        except ValueError:  # a date or a formula cell: marshal knows only built-in values
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
    except ImportRejected as error:
        payload = pickle.dumps(("rejected", error.code, error.field, error.params))
    except MemoryError:
        payload = pickle.dumps(("memory",))
    except _OverCpu:
        payload = pickle.dumps(("cpu",))
    sender.send_bytes(payload)
    sender.close()


class _Popen(popen_forkserver.Popen):
    """The stdlib's fork-server launch (CPython 3.11 `popen_forkserver.Popen._launch`), less the instruction to
    import the parent's main module in the child."""

    def _launch(self, process_obj: Any) -> None:
        prep_data = {key: value for key, value in spawn.get_preparation_data(process_obj._name).items()
                     if key not in _MAIN_KEYS}
        buf = io.BytesIO()
        set_spawning_popen(self)
        try:
            reduction.dump(prep_data, buf)
            reduction.dump(process_obj, buf)
        finally:
            set_spawning_popen(None)
        self.sentinel, w = forkserver.connect_to_new_process(self._fds)  # type: ignore[attr-defined]  # private
        parent_w = os.dup(w)  # the child watches it to notice a parent that died
        self.finalizer = util.Finalize(self, util.close_fds,  # type: ignore[attr-defined]  # untyped helper
                                       (parent_w, self.sentinel))
        with open(w, "wb", closefd=True) as pipe:
            pipe.write(buf.getbuffer())
        self.pid = forkserver.read_signed(self.sentinel)


class _ReaderProcess(ForkServerProcess):
    @staticmethod
    def _Popen(process_obj: Any) -> _Popen:
        return _Popen(process_obj)
