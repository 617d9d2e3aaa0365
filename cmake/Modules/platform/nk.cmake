# include(platform/nk): the SDK's nk library on tools/nk (docs/SDK.md).
#
#   nk_build_idl_files(NAME NK_MODULE <pkg> IDL <files>... [NOINSTALL] [WORKING_DIRECTORY d] [LANG C])
#   nk_build_cdl_files(NAME [IDL_TARGET t] NK_MODULE <pkg> CDL <files>... [...])
#   nk_build_edl_files(NAME [IDL_TARGET t] [CDL_TARGET t] NK_MODULE <pkg> EDL <file> [...])
#   add_nk_idl(NAME <file> NK_MODULE <pkg> [LANG C])   add_nk_cdl(...)   add_nk_edl(...)
#
# Each file is placed where the tools look for it, <pkg path>/<file name> under
# KOS_A64_NK_DIR (${CMAKE_BINARY_DIR}/kos-a64/idl, so NK_MODULE "echo" and
# Client.edl give echo/Client.edl: class echo.Client), and NAME becomes an
# INTERFACE library whose build runs tools/nk on the file (headers in
# ${CMAKE_BINARY_DIR}/_headers_, errors as file:line:col). The image functions
# hand that folder to the solution build, which generates the headers its
# programs include (<echo/Client.edl.h>) again with the rest of the solution.
# C++ transport (LANG CXX, bind_nk_targets) is not supported.
include_guard(GLOBAL)
include(platform)

set(KOS_A64_NK_DIR "${CMAKE_BINARY_DIR}/kos-a64/idl" CACHE INTERNAL "the NK files of the solution")
# Debian's python (PyYAML), as the Makefile's PYTHON.
find_program(KOS_A64_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(KOS_A64_PYTHON NAMES python3 REQUIRED)

# kos_a64_nk(<command> <NAME> <kind> <module> <files> <depends>): the common part.
function(kos_a64_nk command name kind module files depends)
    if(NOT module)
        message(FATAL_ERROR "${command}(${name}): NK_MODULE is required")
    endif()
    if(NOT module MATCHES "^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$")
        message(FATAL_ERROR "${command}(${name}): NK_MODULE `${module}` is not a package name like kl.core")
    endif()
    if(NOT files)
        message(FATAL_ERROR "${command}(${name}): no ${kind} file given")
    endif()
    string(REPLACE "." "/" subdir "${module}")
    set(staged "")
    foreach(f IN LISTS files)
        get_filename_component(src "${f}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
        if(NOT EXISTS "${src}")
            message(FATAL_ERROR "${command}(${name}): no file ${src}")
        endif()
        get_filename_component(ext "${src}" EXT)
        string(TOLOWER "${ext}" ext)
        if(NOT ext STREQUAL ".${kind}")
            message(FATAL_ERROR "${command}(${name}): ${src} is not a .${kind} file")
        endif()
        get_filename_component(base "${src}" NAME)
        set(dst "${KOS_A64_NK_DIR}/${subdir}/${base}")
        file(MAKE_DIRECTORY "${KOS_A64_NK_DIR}/${subdir}")
        file(CREATE_LINK "${src}" "${dst}" SYMBOLIC)
        list(APPEND staged "${dst}")
        set_property(GLOBAL APPEND PROPERTY KOS_A64_NK_FILES "${dst}")
    endforeach()
    if(NOT TARGET ${name})
        add_library(${name} INTERFACE)
    endif()
    target_include_directories(${name} INTERFACE "${CMAKE_BINARY_DIR}/_headers_")
    add_custom_target(${name}_nk
        COMMAND "${CMAKE_COMMAND}" -E env "PYTHONPATH=${KOS_A64_ROOT}"
                "${KOS_A64_PYTHON}" -m tools.nk -I "${KOS_A64_NK_DIR}" -I "${KOS_A64_ROOT}/userland/idl/vfs"
                --out "${CMAKE_BINARY_DIR}/_headers_" ${staged}
        WORKING_DIRECTORY "${KOS_A64_ROOT}"
        COMMENT "NK ${module}: ${files}"
        VERBATIM)
    add_dependencies(${name} ${name}_nk)
    foreach(dep IN LISTS depends)
        if(dep)
            if(NOT TARGET ${dep})
                message(FATAL_ERROR "${command}(${name}): no target `${dep}` (IDL_TARGET/CDL_TARGET)")
            endif()
            add_dependencies(${name}_nk ${dep})
        endif()
    endforeach()
endfunction()

function(kos_a64_nk_parse command kind)
    cmake_parse_arguments(PARSE_ARGV 2 ARG "NOINSTALL"
        "NK_MODULE;WORKING_DIRECTORY;IDL_TARGET;CDL_TARGET;LANG" "${kind};NK_FLAGS;EXTRA_INCLUDE" )
    if(ARG_LANG AND NOT ARG_LANG STREQUAL "C")
        kos_a64_unsupported(${command} "LANG ${ARG_LANG} (only C transport code is generated here)")
    endif()
    if(ARG_NK_FLAGS)
        kos_a64_unsupported(${command} "NK_FLAGS (tools/nk takes no nk-gen-c flags)")
    endif()
    list(POP_FRONT ARG_UNPARSED_ARGUMENTS name)
    if(NOT name)
        message(FATAL_ERROR "${command}(): the target NAME is required")
    endif()
    if(ARG_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "${command}(${name}): unknown argument(s) ${ARG_UNPARSED_ARGUMENTS}")
    endif()
    string(TOLOWER "${kind}" ext)
    kos_a64_nk(${command} ${name} ${ext} "${ARG_NK_MODULE}" "${ARG_${kind}}" "${ARG_IDL_TARGET};${ARG_CDL_TARGET}")
endfunction()

function(nk_build_idl_files)
    kos_a64_nk_parse(nk_build_idl_files IDL ${ARGN})
endfunction()
function(nk_build_cdl_files)
    kos_a64_nk_parse(nk_build_cdl_files CDL ${ARGN})
endfunction()
function(nk_build_edl_files)
    kos_a64_nk_parse(nk_build_edl_files EDL ${ARGN})
endfunction()

# add_nk_idl(NAME <file> NK_MODULE <pkg> [LANG C]) and the same for CDL and EDL.
function(kos_a64_add_nk command kind name file)
    kos_a64_nk_parse(${command} ${kind} ${name} ${kind} ${file} ${ARGN})
endfunction()
function(add_nk_idl name file)
    kos_a64_add_nk(add_nk_idl IDL ${name} ${file} ${ARGN})
endfunction()
function(add_nk_cdl name file)
    kos_a64_add_nk(add_nk_cdl CDL ${name} ${file} ${ARGN})
endfunction()
function(add_nk_edl name file)
    kos_a64_add_nk(add_nk_edl EDL ${name} ${file} ${ARGN})
endfunction()

function(bind_nk_targets)
    kos_a64_unsupported(bind_nk_targets "C++ transport code (nkppmeta)")
endfunction()
function(generate_edl_file)
    kos_a64_unsupported(generate_edl_file "write the EDL file and give it to nk_build_edl_files()")
endfunction()
