"""PSL (KasperskyOS policy language) subset -> the kernel security module's tables.

    python3 -m tools.psl [-I DIR]... [-D NAME=VALUE]... -o policy.c security.psl[.in]
    python3 -m tools.psl --nonsecurity -o policy.c      # no policy: grant everything
    python3 -m tools.psl --test [-I DIR]... security.psl   # run its PAL tests (pal_run.py)
    python3 -m tools.psl --lint [--init init.yaml] [-Werror] [-I DIR]... security.psl

docs/POLICY.md describes the subset, the table format and the decisions.
"""
