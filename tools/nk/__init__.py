"""NK: compiler for KasperskyOS-style EDL, CDL and IDL files (tools/nk).

API for other tools: tools.nk.model (load_class, load_interface, Loader).
Command line: python3 -m tools.nk --help (docs/IDL.md).
"""

from .errors import NkError, NkWarning

__all__ = ["NkError", "NkWarning"]
