# include(platform): the SDK's platform library (docs/SDK.md, "CMake functions").
# initialize_platform() and the project_*_header_default() commands; what the
# SDK's commands set (compiler and linker flags) is the Makefile's business here:
# the programs are compiled with userland/userland.mk's USER_CFLAGS (C11,
# -Wall -Wextra -Werror, static), so these commands check their arguments and
# record them, and say so in the configure log.
include_guard(GLOBAL)

if(NOT KOS_A64_ROOT)
    message(FATAL_ERROR "include(platform): configure with "
            "-DCMAKE_TOOLCHAIN_FILE=<KOS-A64>/cmake/toolchain.cmake (docs/SDK.md)")
endif()

# kos_a64_unsupported(<command> [why]): the error every SDK command we do not
# provide gives: it names the command and says it is not supported.
function(kos_a64_unsupported command)
    set(why "")
    if(ARGN)
        string(JOIN " " why ${ARGN})
        set(why ": ${why}")
    endif()
    message(FATAL_ERROR "${command}() of the KasperskyOS SDK is not supported by KOS-A64${why} "
            "(docs/SDK.md lists what is)")
endfunction()

# initialize_platform([FORCE_STATIC] [NO_NEW_VERSION_CHECK]): programs are always
# static here, and nothing is ever sent anywhere, so both options hold by design.
function(initialize_platform)
    cmake_parse_arguments(ARG "FORCE_STATIC;NO_NEW_VERSION_CHECK" "" "" ${ARGN})
    if(ARG_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "initialize_platform(): unknown argument(s) ${ARG_UNPARSED_ARGUMENTS}")
    endif()
    set_property(GLOBAL PROPERTY KOS_A64_PLATFORM_INITIALIZED TRUE)
    message(STATUS "KOS-A64 SDK mode: ${KOS_A64_ROOT} (static programs, C11, built by its Makefile)")
endfunction()

# project_header_default("STANDARD_GNU_11:YES" "STRICT_WARNINGS:NO" ...): the
# options are checked (NAME:YES|NO); the programs get the Makefile's flags.
function(project_header_default)
    foreach(opt IN LISTS ARGN)
        if(NOT opt MATCHES "^[A-Z0-9_]+:(YES|NO)$")
            message(FATAL_ERROR "project_header_default(): `${opt}` is not NAME:YES or NAME:NO")
        endif()
    endforeach()
    set_property(DIRECTORY PROPERTY KOS_A64_HEADER_OPTIONS "${ARGN}")
endfunction()

# project_static_executable_header_default(), platform_target_force_static(<target>):
# every program is static already.
function(project_static_executable_header_default)
endfunction()
function(platform_target_force_static target)
    if(NOT TARGET ${target})
        message(FATAL_ERROR "platform_target_force_static(): no target `${target}`")
    endif()
endfunction()
