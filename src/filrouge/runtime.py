"""Process settings for a long batch run (an ingest process or worker), applied once the
models are loaded (:func:`tune_for_batches`, called by ``pipeline.Components``) or, in a
driver that loads no model because its workers do, once its duplicate index is loaded
(``pipeline.IngestRun.run``).

* Python's cycle collector: a run allocates millions of short-lived objects (tokens, facts)
  that reference counting frees, and each collector pass went over the models' long-lived
  objects too (a fortieth of a run). The models are moved out of its reach (``gc.freeze``)
  and its first threshold raised; cycles are still collected.
* glibc's allocator: spaCy's arrays for a batch (tens of MB) were handed back to the system
  after each batch and faulted in again, zeroed, for the next one (a tenth of the parse time
  went to the kernel). Freed blocks up to 32 MB are kept in the process for reuse, and the
  heap is trimmed only past 512 MB free. The peak memory is that of one batch, as before; it
  is not handed back between batches. Other C libraries: nothing is changed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # glibc's largest on 64-bit systems
TRIM_THRESHOLD = 512 << 20

_done = False


def tune_for_batches() -> None:
    global _done
    gc.collect()
    gc.freeze()  # every object alive now (the models) is left alone by the collector
    if _done:
        return
    _done = True
    gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(max(gen0, 20_000), max(gen1, 50), max(gen2, 100))
    if sys.platform.startswith("linux"):
        _keep_freed_memory()


def _keep_freed_memory() -> None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
