# find_package(precompiled_vfs): the SDK's ready-built VFS programs (docs/SDK.md).
# Here all of them are VfsFsnet (files: romfs, ramfs; sockets), which answers to
# each class; set_target_properties(${precompiled_vfsVfsNet} PROPERTIES EXTRA_ARGS
# ... EXTRA_ENV ... EXTRA_CONNECTIONS ...) fills init.yaml.in's SDK markers.
#   precompiled_vfsVfsNet      precompiled_vfs::VfsNet     class kl.VfsNet
#   precompiled_vfsVfsRamFs    precompiled_vfs::VfsRamFs   class kl.VfsRamFs
#   precompiled_vfsVfsSdCardFs precompiled_vfs::VfsSdCardFs: not supported (no SD card
#                              driver); using it in an image is a configure error.
include_guard(GLOBAL)
include(kos_a64_programs)

set(precompiled_vfs_FOUND TRUE)
kos_a64_program(precompiled_vfs::VfsNet VfsFsnet VfsNet kl.VfsNet)
kos_a64_program(precompiled_vfs::VfsRamFs VfsFsnet VfsRamFs kl.VfsRamFs)
kos_a64_program(precompiled_vfs::VfsSdCardFs "" VfsSdCardFs kl.VfsSdCardFs)
set_target_properties(precompiled_vfs::VfsSdCardFs PROPERTIES
    KOS_A64_UNSUPPORTED "kl.VfsSdCardFs: there is no SD card driver; use precompiled_vfs::VfsRamFs")
set(precompiled_vfsVfsNet precompiled_vfs::VfsNet)
set(precompiled_vfsVfsRamFs precompiled_vfs::VfsRamFs)
set(precompiled_vfsVfsSdCardFs precompiled_vfs::VfsSdCardFs)
