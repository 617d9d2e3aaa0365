/* Embeds the user programs (build/<platform>/bootimage.bin) in the kernel image. */
    .section .bootimage, "a"
    .balign 16
    .incbin BOOTIMAGE_PATH
