# find_package(vfs): the SDK's VFS package (docs/SDK.md, "Packages").
# Every program here is linked with libvfs already (POSIX files and sockets reach
# a VFS process over IPC, docs/VFS.md), so the libraries are INTERFACE targets
# that add nothing; vfs_ENTITY is the generic VFS program, kl.VfsEntity, which is
# VfsFsnet here.
#   vfs_FOUND, vfs_INCLUDE             userland/lib/vfs/include (vfs/*.h)
#   vfs::client vfs::server vfs::fs vfs::net vfs::implementation
#   vfs_CLIENT_LIB vfs_SERVER_LIB vfs_FS_LIB vfs_NET_LIB vfs_IMPLEMENTATION_LIB
#   vfs_ENTITY                         the target vfs::entity (program VfsFsnet, class kl.VfsEntity)
include_guard(GLOBAL)
include(kos_a64_programs)

set(vfs_FOUND TRUE)
set(vfs_INCLUDE "${KOS_A64_ROOT}/userland/lib/vfs/include" "${KOS_A64_ROOT}/userland/include")
foreach(lib client server fs net implementation)
    if(NOT TARGET vfs::${lib})
        add_library(vfs::${lib} INTERFACE IMPORTED GLOBAL)
    endif()
    string(TOUPPER "${lib}" up)
    set(vfs_${up}_LIB vfs::${lib})
endforeach()
kos_a64_program(vfs::entity VfsFsnet VfsEntity kl.VfsEntity)
set(vfs_ENTITY vfs::entity)
