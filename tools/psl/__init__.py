"""PSL (KasperskyOS policy language) subset -> the kernel security module's tables.

    python3 -m tools.psl [-I DIR]... [-D NAME=VALUE]... -o policy.c security.psl[.in]
    python3 -m tools.psl --nonsecurity -o policy.c      # no policy: grant everything

docs/POLICY.md describes the subset, the table format and the decisions.
"""
