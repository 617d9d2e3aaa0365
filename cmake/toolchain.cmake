# cmake/toolchain.cmake: KOS-A64's "SDK mode" for KasperskyOS-style projects
# (docs/SDK.md). Use:
#   cmake -B build -DCMAKE_TOOLCHAIN_FILE=<repo>/cmake/toolchain.cmake <project>
#   cmake --build build --target sim        # kos-qemu-image, then boot it in QEMU virt
#   cmake --build build --target sd-image   # kos-image (Raspberry Pi 4), then an SD card
# The SDK's CMake libraries (include(platform), platform/nk, platform/image, ...)
# and packages (find_package(vfs), kss, precompiled_vfs) come from cmake/Modules;
# they build the solution with this tree's tools (tools/nk, tools/einit,
# tools/psl, tools/mkbootimg.py, tools/mksdcard.sh) through its Makefile.

get_filename_component(KOS_A64_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
set(KOS_A64_ROOT "${KOS_A64_ROOT}" CACHE INTERNAL "the KOS-A64 tree")
# Examples include ${KL_SDK_ROOT_PATH}/common/build-sd-image.cmake.
set(KL_SDK_ROOT_PATH "${KOS_A64_ROOT}/cmake" CACHE INTERNAL "the SDK root (SDK mode)")
set(KOS ON)

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_SYSTEM_VERSION KOS-A64)
# The Makefile's compiler: GNU Arm's bare-metal one when present, else Debian's.
find_program(KOS_A64_CC NAMES aarch64-none-elf-gcc aarch64-linux-gnu-gcc REQUIRED)
set(CMAKE_C_COMPILER "${KOS_A64_CC}")
set(CMAKE_ASM_COMPILER "${KOS_A64_CC}")
# project() enables C++ by default; the programs are C (userland/ has no C++
# runtime), so C++ is declared without a check and any C++ source is refused by
# the image functions.
set(CMAKE_CXX_COMPILER "${KOS_A64_CC}")
set(CMAKE_CXX_COMPILER_FORCED TRUE)
set(CMAKE_CXX_COMPILER_ID GNU)
set(CMAKE_CXX_COMPILER_ID_RUN TRUE)
# The compiler check compiles, never links: programs are linked by the Makefile.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

list(APPEND CMAKE_MODULE_PATH "${KOS_A64_ROOT}/cmake/Modules")

# The SDK's board name (SDK 1.3+): projects test it (`if (NOT CMAKE_SYSTEM_BOARD STREQUAL
# "QEMU")` to choose build_kos_hw_image) and give it to their templates
# (GINGER_DEFINITIONS "BOARD=${CMAKE_SYSTEM_BOARD}"). Here both images can be built from
# one configuration; the board says which one such a project asks for.
set(KOS_A64_BOARDS QEMU RPI4_BCM2711)
set(CMAKE_SYSTEM_BOARD QEMU CACHE STRING "the board: QEMU (virt) or RPI4_BCM2711 (Raspberry Pi 4)")
set_property(CACHE CMAKE_SYSTEM_BOARD PROPERTY STRINGS ${KOS_A64_BOARDS})
if(NOT CMAKE_SYSTEM_BOARD IN_LIST KOS_A64_BOARDS)
    message(FATAL_ERROR "CMAKE_SYSTEM_BOARD=${CMAKE_SYSTEM_BOARD} is not a board of KOS-A64 "
            "(boards: ${KOS_A64_BOARDS}; docs/SDK.md)")
endif()
