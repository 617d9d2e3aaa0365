#!/usr/bin/python3
"""Build a romfs image (the VFS's read-only file system) from a folder.

    mkromfs.py SRC_DIR OUT_IMAGE       build OUT_IMAGE from the tree under SRC_DIR
    mkromfs.py --list IMAGE            print the tree stored in IMAGE

The output depends only on the names, contents and execute bits of the tree: names are
sorted bytewise, inodes numbered breadth-first, no timestamps or owners are stored. The
layout is described in docs/VFS.md and userland/vfs/core/romfs_format.h. Symbolic links,
special files, names that are not 1..VFS_NAME_MAX bytes of printable ASCII (space
included, `/` not) and files or images of 4 GiB or more are errors
`PATH: error: ...`, exit status 1.
"""

import argparse
import collections
import os
import re
import stat
import struct
import sys

if __package__ in (None, ""):      # run as a script: import the package from the repo root
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from tools import cli, limits  # noqa: E402

FORMAT_H = "userland/vfs/core/romfs_format.h"
MAGIC = b"KOSROMFS"
VERSION = limits.header(FORMAT_H, "ROMFS_VERSION")
HDR_SIZE = limits.header(FORMAT_H, "ROMFS_HDR_SIZE")
INODE_SIZE = limits.header(FORMAT_H, "ROMFS_INODE_SIZE")
DIRENT_SIZE = limits.header(FORMAT_H, "ROMFS_DIRENT_SIZE")
NAME_MAX = limits.header("userland/vfs/core/vfs.h", "VFS_NAME_MAX")     # no NUL counted
PATH_MAX = limits.header("userland/vfs/core/vfs.h", "VFS_PATH_MAX") - 1  # without the NUL
NAME_CHARS = re.compile(rb"[\x20-\x2e\x30-\x7e]+")                      # printable ASCII but `/`
U32_MAX = 0xFFFFFFFF
S_IFDIR = 0o040000
S_IFREG = 0o100000
DATA_ALIGN = 16


class MkromfsError(Exception):
    """A problem with the input tree or image, with the path it concerns."""

    def __init__(self, path, msg):
        super().__init__(msg)
        self.path = path


class Node:
    __slots__ = ("kind", "path", "mode", "children", "size", "offset", "rlen")

    def __init__(self, kind, path, mode):
        self.kind = kind            # "dir" or "file"
        self.path = path
        self.mode = mode
        self.children = []          # dirs: [(name bytes, inode index)], sorted
        self.size = 0
        self.offset = 0
        self.rlen = 0               # bytes of its path in the image ("/a/b")


def scan(src):
    """The tree under src as a breadth-first list of Nodes (index = inode number)."""
    if not os.path.isdir(src) or os.path.islink(src):
        raise MkromfsError(src, "not a directory")
    nodes = [Node("dir", src, S_IFDIR | 0o555)]
    queue = collections.deque([0])
    while queue:                    # iterative: no recursion limit on deep trees
        d = nodes[queue.popleft()]
        try:
            with os.scandir(d.path) as it:
                entries = sorted(it, key=lambda e: os.fsencode(e.name))
        except OSError as e:
            raise MkromfsError(d.path, e.strerror) from None
        for e in entries:
            name = os.fsencode(e.name)
            if len(name) > NAME_MAX:
                raise MkromfsError(e.path, f"name of {len(name)} bytes, more than VFS_NAME_MAX ({NAME_MAX})")
            if not NAME_CHARS.fullmatch(name):
                raise MkromfsError(e.path, f"name `{limits.shown(name)}` must be printable ASCII "
                                   "(0x20..0x7e)")
            st = os.lstat(e.path)
            if stat.S_ISLNK(st.st_mode):
                raise MkromfsError(e.path, "symbolic links are not supported")
            if stat.S_ISDIR(st.st_mode):
                child = Node("dir", e.path, S_IFDIR | 0o555)
                queue.append(len(nodes))
            elif stat.S_ISREG(st.st_mode):
                if st.st_size > U32_MAX:
                    raise MkromfsError(e.path, "file of 4 GiB or more")
                x = st.st_mode & 0o111
                child = Node("file", e.path, S_IFREG | (0o555 if x else 0o444))
                child.size = st.st_size
            else:
                raise MkromfsError(e.path, "not a regular file or directory")
            child.rlen = d.rlen + 1 + len(name)
            if child.rlen > PATH_MAX:
                raise MkromfsError(e.path, f"path in the image of {child.rlen} bytes, more than "
                                   f"VFS_PATH_MAX - 1 ({PATH_MAX}): it could never be opened")
            d.children.append((name, len(nodes)))
            nodes.append(child)
    return nodes


def align(n, a=DATA_ALIGN):
    return (n + a - 1) // a * a


def build(src):
    """The image of the tree under src, as bytes."""
    nodes = scan(src)
    off = HDR_SIZE + INODE_SIZE * len(nodes)
    for n in nodes:
        if n.kind == "dir":
            n.offset = off
            off += DIRENT_SIZE * len(n.children)
    name_offs = []
    for n in nodes:
        if n.kind == "dir":
            for name, _ in n.children:
                name_offs.append(off)
                off += len(name)
    off = align(off)
    for n in nodes:
        if n.kind == "file":
            n.offset = off
            off = align(off + n.size)
    if off > U32_MAX:
        raise MkromfsError(src, "image of 4 GiB or more")

    img = bytearray(off)
    struct.pack_into("<8sIIIIII", img, 0, MAGIC, VERSION, HDR_SIZE, off, len(nodes),
                     HDR_SIZE, 0)
    names = iter(name_offs)
    for i, n in enumerate(nodes):
        size = len(n.children) if n.kind == "dir" else n.size
        struct.pack_into("<IIII", img, HDR_SIZE + i * INODE_SIZE, n.mode, n.offset, size, 0)
        if n.kind == "dir":
            for k, (name, child) in enumerate(n.children):
                noff = next(names)
                struct.pack_into("<IIHH", img, n.offset + k * DIRENT_SIZE, child, noff,
                                 len(name), 0)
                img[noff:noff + len(name)] = name
        else:
            try:
                with open(n.path, "rb") as f:
                    data = f.read(n.size + 1)
            except OSError as e:
                raise MkromfsError(n.path, e.strerror) from None
            if len(data) != n.size:
                raise MkromfsError(n.path, "changed size while being read")
            img[n.offset:n.offset + n.size] = data
    return bytes(img)


def listing(img):
    """Lines 'path size' (dirs end in '/'), checking the structure as the C reader does."""
    def u32(off):
        if off + 4 > len(img):
            raise MkromfsError("image", f"read past the end at {off}")
        return struct.unpack_from("<I", img, off)[0]

    if len(img) < HDR_SIZE or img[:8] != MAGIC or u32(8) != VERSION or u32(12) != HDR_SIZE:
        raise MkromfsError("image", "not a romfs image (version 1)")
    size, count, itab = u32(16), u32(20), u32(24)
    if size > len(img) or count == 0 or itab + count * INODE_SIZE > size:
        raise MkromfsError("image", "bad header")

    def inode(i):
        base = itab + i * INODE_SIZE
        mode, off, n = u32(base), u32(base + 4), u32(base + 8)
        span = n * DIRENT_SIZE if mode & 0o170000 == S_IFDIR else n
        if i >= count or off + span > size:
            raise MkromfsError("image", f"inode {i} out of bounds")
        return mode, off, n

    out = []
    todo = collections.deque([(b"", 0)])
    seen = set()
    while todo:
        path, i = todo.popleft()
        if i in seen:
            raise MkromfsError("image", f"inode {i} reached twice")
        seen.add(i)
        mode, off, n = inode(i)
        if mode & 0o170000 != S_IFDIR:
            out.append(f"{os.fsdecode(path)} {n}")
            continue
        out.append(f"{os.fsdecode(path)}/")
        for k in range(n):
            e = off + k * DIRENT_SIZE
            child, noff, nlen = u32(e), u32(e + 4), struct.unpack_from("<H", img, e + 8)[0]
            if child >= count or noff + nlen > size:
                raise MkromfsError("image", f"entry {k} of inode {i} out of bounds")
            child_path = path + b"/" + img[noff:noff + nlen]
            if len(child_path) > PATH_MAX:           # also bounds the work on a hostile image
                raise MkromfsError("image", f"entry {k} of inode {i}: path longer than "
                                   f"VFS_PATH_MAX - 1 ({PATH_MAX})")
            todo.append((child_path, child))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(prog="mkromfs.py", description=__doc__.splitlines()[0])
    p.add_argument("--list", metavar="IMAGE", help="print the tree stored in IMAGE")
    p.add_argument("src", nargs="?", help="folder to pack")
    p.add_argument("out", nargs="?", help="image to write")
    args = p.parse_args(argv)
    if not args.list and (not args.src or not args.out):
        p.error("need SRC_DIR and OUT_IMAGE (or --list IMAGE)")
    return cli.guarded(args.list or args.src, lambda: run(args))


def run(args):
    try:
        if args.list:
            with open(args.list, "rb") as f:
                try:
                    lines = listing(f.read())
                except MkromfsError as e:
                    raise MkromfsError(args.list, str(e)) from None
            print("\n".join(lines))
            return 0
        img = build(args.src)
        tmp = args.out + ".tmp"
        with open(tmp, "wb") as f:
            f.write(img)
        os.replace(tmp, args.out)
    except MkromfsError as e:
        return cli.report(e.path, str(e))
    except OSError as e:
        return cli.report(e.filename or args.src, e.strerror or str(e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
