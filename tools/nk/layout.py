"""IDL types and the message layout rules (must match kernel/uapi/msg.h).

Natural C alignment: integers aligned to their size; Handle = uint32 slot index;
string/bytes/sequence = nk_arena_desc {uint32 offset, uint32 size} (8 bytes,
align 4); arrays inline; structs aligned to their widest member, size rounded
up; unions = uint32 tag (index of the member) then the widest member, aligned.
This module computes sizes and flattened field lists; it never parses.
"""

from tools import limits

ARENA_DESC_SIZE = 8
ARENA_DESC_ALIGN = 4
ARENA_ITEM_ALIGN = 8     # every arena item starts on an 8-byte boundary
HANDLE_SIZE = 4
UNION_TAG_SIZE = 4
MSG_HDR_SIZE = 64        # sizeof(SMsgHdr)
MSG_MAX_CONST = limits.header("kernel/uapi/msg.h", "MSG_MAX_CONST")
MSG_MAX_ARENA = limits.header("kernel/uapi/msg.h", "MSG_MAX_ARENA")
MSG_MAX_HANDLES = limits.header("kernel/uapi/msg.h", "MSG_MAX_HANDLES")
# The largest fixed-size type: a sequence element lives in the arena, anything else in
# the constant part, so nothing bigger than the arena can ever be sent (an error).
TYPE_SIZE_MAX = MSG_MAX_ARENA
# Widths of the fields that carry these values (SMsgHdr in kernel/uapi/msg.h,
# sec_arena_ref and sec_msg in kernel/security/sec_tables.h): larger values are errors.
RIID_MAX = 0xFFFF                # SMsgHdr.riid is a uint16_t
SEQ_ELEM_SIZE_MAX = 0xFFFF       # sec_arena_ref.elem_size is a uint16_t


def align_up(v, a):
    return (v + a - 1) // a * a


class Type:
    kind = "?"
    size = 0
    align = 1
    has_arena = False     # contains string/bytes/sequence
    has_handle = False    # contains Handle
    has_union = False     # contains a union (tag must be validated)
    max_handles = 0       # handles one value can carry (union: widest member)
    arena_max = 0         # arena bytes one value can need, items rounded to 8

    @property
    def needs_view(self):
        """True when the C API uses a separate *_view type (pointers, rights)."""
        return self.has_arena or self.has_handle

    @property
    def needs_check(self):
        return self.has_arena or self.has_handle or self.has_union


class IntType(Type):
    kind = "int"

    def __init__(self, name, size, signed):
        self.name = name
        self.size = size
        self.align = size
        self.signed = signed
        self.ctype = "%sint%d_t" % ("" if signed else "u", size * 8)

    def __repr__(self):
        return self.name


BUILTIN_INTS = {}
for _n, _s, _sg in (("SInt8", 1, True), ("SInt16", 2, True), ("SInt32", 4, True),
                    ("SInt64", 8, True), ("UInt8", 1, False), ("UInt16", 2, False),
                    ("UInt32", 4, False), ("UInt64", 8, False),
                    ("UIntSize", 8, False), ("UIntPtr", 8, False)):
    BUILTIN_INTS[_n] = IntType(_n, _s, _sg)
UINT8 = BUILTIN_INTS["UInt8"]


def int_range(t):
    bits = t.size * 8
    if t.signed:
        return -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return 0, (1 << bits) - 1


class HandleType(Type):
    kind = "handle"
    size = HANDLE_SIZE
    align = HANDLE_SIZE
    has_handle = True
    max_handles = 1

    def __init__(self, iface=None):
        self.iface = iface    # qualified interface name for handle<I>, or None
        self.name = "Handle" if iface is None else "handle<%s>" % iface

    def __repr__(self):
        return self.name


class ArenaType(Type):
    """string<N>, bytes<N>, sequence<T,N>: a descriptor into the arena."""
    size = ARENA_DESC_SIZE
    align = ARENA_DESC_ALIGN
    has_arena = True

    def __init__(self, kind, elem, max_count):
        self.kind = kind          # 'string', 'bytes', 'sequence'
        self.elem = elem
        self.max = max_count      # elements (string: bytes including the NUL)
        self.max_bytes = max_count * elem.size
        self.arena_max = align_up(self.max_bytes, ARENA_ITEM_ALIGN)

    @property
    def name(self):
        if self.kind == "sequence":
            return "sequence<%s, %d>" % (type_name(self.elem), self.max)
        return "%s<%d>" % (self.kind, self.max)

    def __repr__(self):
        return self.name


class ArrayType(Type):
    kind = "array"

    def __init__(self, elem, count):
        self.elem = elem
        self.count = count
        self.size = elem.size * count
        self.align = elem.align
        self.has_arena = elem.has_arena
        self.has_handle = elem.has_handle
        self.has_union = elem.has_union
        self.max_handles = elem.max_handles * count
        self.arena_max = elem.arena_max * count

    @property
    def name(self):
        return "array<%s, %d>" % (type_name(self.elem), self.count)

    def __repr__(self):
        return self.name


class Member:
    __slots__ = ("name", "type", "pos", "offset", "texpr")

    def __init__(self, name, texpr, pos):
        self.name = name
        self.texpr = texpr    # unresolved type expression (parser output)
        self.type = None
        self.pos = pos
        self.offset = 0


class StructType(Type):
    """A struct or union declared in an IDL package (kind 'struct'/'union')."""

    def __init__(self, kind, package, name, pos, members):
        self.kind = kind
        self.package = package    # the declaring Package
        self.name = name
        self.pos = pos
        self.members = members
        self.state = 0            # 0 new, 1 resolving, 2 done
        self.payload_offset = 0   # unions: offset of the member area

    @property
    def qname(self):
        return "%s.%s" % (self.package.name, self.name)

    def compute_layout(self):
        if self.kind == "struct":
            off = 0
            align = 1
            for m in self.members:
                t = m.type
                off = align_up(off, t.align)
                m.offset = off
                off += t.size
                align = max(align, t.align)
            self.size = align_up(off, align)
            self.align = align
            self.max_handles = sum(m.type.max_handles for m in self.members)
            self.arena_max = sum(m.type.arena_max for m in self.members)
        else:
            malign = max([m.type.align for m in self.members] + [1])
            msize = max([m.type.size for m in self.members] + [0])
            self.payload_offset = align_up(UNION_TAG_SIZE, malign)
            for m in self.members:
                m.offset = self.payload_offset
            self.align = max(UNION_TAG_SIZE, malign)
            self.size = align_up(self.payload_offset + msize, self.align)
            self.max_handles = max([m.type.max_handles for m in self.members] + [0])
            self.arena_max = max([m.type.arena_max for m in self.members] + [0])
            self.has_union = True
        for m in self.members:
            self.has_arena |= m.type.has_arena
            self.has_handle |= m.type.has_handle
            self.has_union |= m.type.has_union

    def __repr__(self):
        return self.qname


def type_name(t):
    if isinstance(t, StructType):
        return t.qname
    return t.name


class Field:
    """One scalar of a flattened constant part.

    name: dotted path ("e.key.id", arrays "tags[2]"); offset/size in bytes from
    the start of the constant part; kind 'int', 'handle' or 'arena'.
    int: .signed; .is_tag for a union tag (named after the union, valid
    values 0 .. .nmembers-1).
    arena: .arena_kind ('string','bytes','sequence'), .max (elements; string:
    bytes with NUL), .elem_size, .elem_align, .elem (element Type).
    .cond: tuple of (tag_offset, tag_value) that must all hold for the field to
    be meaningful (fields inside unions); empty tuple otherwise.
    """

    def __init__(self, name, offset, size, kind, type_, cond):
        self.name = name
        self.offset = offset
        self.size = size
        self.kind = kind
        self.type = type_
        self.cond = cond
        self.max = None
        self.signed = None
        self.is_tag = False
        self.nmembers = None
        self.arena_kind = None
        self.elem_size = None
        self.elem_align = None
        self.elem = None

    def __repr__(self):
        extra = ""
        if self.kind == "arena":
            extra = " %s max=%d elem=%d" % (self.arena_kind, self.max, self.elem_size)
        elif self.kind == "int":
            extra = " %s%s" % ("s" if self.signed else "u", " tag" if self.is_tag else "")
        if self.cond:
            extra += " if " + ",".join("@%d==%d" % c for c in self.cond)
        return "Field(%s @%d size=%d %s%s)" % (self.name, self.offset, self.size,
                                               self.kind, extra)


def flatten(t, name, offset, cond, out):
    """Append the Fields of a value of type t at `offset` to `out`."""
    if isinstance(t, IntType):
        f = Field(name, offset, t.size, "int", t, cond)
        f.signed = t.signed
        out.append(f)
    elif isinstance(t, HandleType):
        out.append(Field(name, offset, t.size, "handle", t, cond))
    elif isinstance(t, ArenaType):
        f = Field(name, offset, t.size, "arena", t, cond)
        f.arena_kind = t.kind
        f.max = t.max
        f.elem = t.elem
        f.elem_size = t.elem.size
        f.elem_align = t.elem.align
        out.append(f)
    elif isinstance(t, ArrayType):
        for i in range(t.count):
            flatten(t.elem, "%s[%d]" % (name, i), offset + i * t.elem.size, cond, out)
    elif isinstance(t, StructType):
        if t.kind == "struct":
            for m in t.members:
                flatten(m.type, join(name, m.name), offset + m.offset, cond, out)
        else:
            f = Field(name, offset, UNION_TAG_SIZE, "int", BUILTIN_INTS["UInt32"], cond)
            f.signed = False
            f.is_tag = True
            f.nmembers = len(t.members)
            out.append(f)
            for i, m in enumerate(t.members):
                flatten(m.type, join(name, m.name), offset + m.offset,
                        cond + ((offset, i),), out)
    else:
        raise AssertionError("unknown type %r" % t)


def join(prefix, name):
    return name if not prefix else prefix + "." + name


class Layout:
    """The constant part of a request or a response.

    .size: bytes after SMsgHdr; .align; .fields: flattened Fields in order;
    .arena_max: arena bytes the message can need (each item rounded up to 8);
    .max_handles: handles it can carry; .members: [(name, Type, offset)].
    """

    def __init__(self, members):
        off = 0
        align = 1
        self.members = []
        for name, t in members:
            off = align_up(off, t.align)
            self.members.append((name, t, off))
            off += t.size
            align = max(align, t.align)
        self.align = align
        self.size = align_up(off, align)
        self.fields = []
        if self.size <= MSG_MAX_CONST:        # else an error: do not list a huge part
            for name, t, moff in self.members:
                flatten(t, name, moff, (), self.fields)
        self.arena_max = sum(t.arena_max for _, t, _ in self.members)
        self.max_handles = sum(t.max_handles for _, t, _ in self.members)

    @property
    def arena_fields(self):
        return [f for f in self.fields if f.kind == "arena"]

    @property
    def handle_fields(self):
        return [f for f in self.fields if f.kind == "handle"]

    def __repr__(self):
        return "Layout(size=%d, fields=%r)" % (self.size, self.fields)
