# shellcheck shell=bash
# Private apt configuration for the fetch scripts (sourced, not run).
#
# Nothing on the host's apt setup is read or changed: own sources.list (no
# sources.list.d, no preferences), own lists, cache and dpkg status.  Works as
# root and as an ordinary user (apt-get update/download/source need no root
# with private state).
#
#   papt_init STATE_DIR ARCH 'deb URL SUITE COMPONENTS' ...
#   papt_update                 apt-get update (skipped when lists are < 1 day old)
#   papt apt-get|apt-cache ARGS run an apt tool with the private options
#
# The Debian archive keyring (/usr/share/keyrings/debian-archive-keyring.gpg)
# verifies the Release files; bookworm's keyring already holds trixie's keys.
#
# The archive's address is the one the machine's own apt uses (so a machine
# behind a local mirror or proxy works unchanged): the first enabled `deb`
# source for the host's own Debian release, from /etc/apt/sources.list.d/*.sources
# (deb822) or /etc/apt/sources.list (one-line). DEBIAN_MIRROR overrides it.
# No archive address is written in the tree.

PAPT_KEYRING=${PAPT_KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

die() { echo "${0##*/}: error: $*" >&2; exit 1; }
say() { echo "${0##*/}: $*"; }

# Prints the archive URI of the host's apt sources for its release (see above).
# APT_SOURCES_DIR (default /etc/apt) lets the tests point it at a sample tree.
host_debian_mirror() {
    local etc=${APT_SOURCES_DIR:-/etc/apt} codename
    codename=$( (. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}") )
    [ -n "$codename" ] || codename=bookworm
    {
        # deb822 paragraphs: Types / URIs / Suites / Enabled.
        for f in "$etc"/sources.list.d/*.sources; do
            [ -r "$f" ] || continue
            awk -v want="$codename" '
                function flush() {
                    if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " want " "))
                        { split(uris, u, " "); if (u[1] != "") print u[1] }
                    types = uris = suites = ""; enabled = "yes"
                }
                BEGIN { enabled = "yes" }
                /^[ \t]*#/ { next }
                /^[ \t]*$/ { flush(); next }
                { key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
                  if (key == "types") types = $0; else if (key == "uris") uris = $0
                  else if (key == "suites") suites = $0; else if (key == "enabled") enabled = tolower($0) }
                END { flush() }' "$f"
        done
        # One-line sources: deb [options] URI SUITE COMPONENTS...
        for f in "$etc"/sources.list "$etc"/sources.list.d/*.list; do
            [ -r "$f" ] || continue
            awk -v want="$codename" '
                $1 == "deb" { i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                              if ($(i + 1) == want) print $i }' "$f"
        done
    } | head -n 1
}

if [ -z "${DEBIAN_MIRROR:-}" ]; then
    DEBIAN_MIRROR=$(host_debian_mirror)
    DEBIAN_MIRROR=${DEBIAN_MIRROR%/}
fi

papt_init() {
    local state=$1 arch=$2
    shift 2
    command -v apt-get >/dev/null || die "apt-get not found (this script needs a Debian-like host)"
    [ -n "$DEBIAN_MIRROR" ] || die "no Debian archive found in the machine's apt sources (${APT_SOURCES_DIR:-/etc/apt}); set DEBIAN_MIRROR=<Debian archive URI>"
    [ -r "$PAPT_KEYRING" ] || die "no Debian archive keyring at $PAPT_KEYRING (apt-get install debian-archive-keyring)"
    mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/etc" || die "cannot create $state"
    PAPT_STATE=$(cd "$state" && pwd)
    [ -e "$PAPT_STATE/status" ] || : > "$PAPT_STATE/status"
    local line list="" kind rest
    for line in "$@"; do
        kind=${line%% *}; rest=${line#* }
        list="$list$kind [signed-by=$PAPT_KEYRING] $rest"$'\n'
    done
    # Rewrite only on change, so that the lists stay valid across runs.
    if [ ! -f "$PAPT_STATE/etc/sources.list" ] || [ "$(cat "$PAPT_STATE/etc/sources.list")" != "${list%$'\n'}" ]; then
        printf '%s' "$list" > "$PAPT_STATE/etc/sources.list"
        rm -f "$PAPT_STATE/lists/"*_Release "$PAPT_STATE/lists/"*_InRelease "$PAPT_STATE/.updated"
    fi
    PAPT_OPTS=(
        -o "Dir::Etc::SourceList=$PAPT_STATE/etc/sources.list"
        -o Dir::Etc::SourceParts=/dev/null
        -o Dir::Etc::Preferences=/dev/null
        -o Dir::Etc::PreferencesParts=/dev/null
        -o "Dir::State=$PAPT_STATE"
        -o "Dir::State::Lists=$PAPT_STATE/lists"
        -o "Dir::State::status=$PAPT_STATE/status"
        -o "Dir::Cache=$PAPT_STATE/cache"
        -o "Dir::Cache::archives=$PAPT_STATE/cache/archives"
        -o "Dir::Cache::pkgcache=$PAPT_STATE/cache/pkgcache.bin"
        -o "Dir::Cache::srcpkgcache=$PAPT_STATE/cache/srcpkgcache.bin"
        -o "APT::Architecture=$arch"
        -o "APT::Architectures=$arch"
        -o Acquire::Languages=none
        -o Debug::NoLocking=1
        -o APT::Get::List-Cleanup=false
    )
    # As root apt drops to the _apt user for downloads, which cannot write
    # into our folders; download as the invoking user instead.
    [ "$(id -u)" = 0 ] && PAPT_OPTS+=(-o APT::Sandbox::User=root)
    return 0
}

papt() {
    local tool=$1
    shift
    "$tool" "${PAPT_OPTS[@]}" "$@"
}

papt_update() {
    if [ -f "$PAPT_STATE/.updated" ] && [ -n "$(find "$PAPT_STATE/.updated" -mmin -1440 2>/dev/null)" ]; then
        say "package lists in $PAPT_STATE are fresh, not updating"
        return 0
    fi
    say "apt-get update ($(tr '\n' ';' < "$PAPT_STATE/etc/sources.list"))"
    papt apt-get -q update || die "apt-get update failed (is the Debian archive reachable? mirror: $DEBIAN_MIRROR)"
    touch "$PAPT_STATE/.updated"
}

# After a successful fetch: drop apt's binary caches (~40 MB each) and the
# downloaded .debs (their contents are unpacked); the lists stay for reruns.
papt_cleanup() {
    rm -f "$PAPT_STATE/cache/pkgcache.bin" "$PAPT_STATE/cache/srcpkgcache.bin"
    rm -rf "$PAPT_STATE/debs" "$PAPT_STATE/source"
}
