/*
 * The romfs image VfsFsnet serves as source "romfs", linked into the program
 * (tools/mkromfs.py output; VFS_ROMFS_IMAGE is its path). Until the kernel
 * lets a task read a boot-image file, this is how the image gets here.
 */
    .section .rodata.vfs_romfs, "a"
    .balign 16
    .global vfs_romfs_image
vfs_romfs_image:
    .incbin VFS_ROMFS_IMAGE
vfs_romfs_end:
    .balign 8
    .global vfs_romfs_size
vfs_romfs_size:
    .quad vfs_romfs_end - vfs_romfs_image
    .section .note.GNU-stack, "", %progbits
