# include(platform/image): the SDK's image library on this tree's Makefile
# (docs/SDK.md, "How an image is built").
#
#   build_kos_qemu_image(NAME CONNECTIONS_CFG <init.yaml[.in]> [SECURITY_PSL <security.psl[.in]>]
#                        [EINIT_ENTITY <name>] [QEMU_FLAGS "<flags>"] [IMAGE_BINARY_DIR_BIN <dir>]
#                        [EXTRA_XDL_DIR <dir>...] [NO_AUTO_BLOB_CONTAINER] IMAGE_FILES <targets>...)
#       the target NAME (kos-qemu-image) builds the QEMU virt image, written to
#       <IMAGE_BINARY_DIR_BIN>/NAME; the target `sim` builds it and boots it.
#   build_kos_hw_image(NAME ...the same, without QEMU_FLAGS...)
#       the target NAME (kos-image) builds the Raspberry Pi 4 image (kernel8.img,
#       written to <dir>/NAME, and <dir>/NAME.config.txt); `sd-image` (unless the
#       project makes its own with build_sd_image()) writes an SD card with it.
#
# At configure time the function lays the solution out as a Make solution folder
# (docs/INIT.md) in ${CMAKE_BINARY_DIR}/kos-a64/NAME/solution: init.yaml.in and
# security.psl[.in] (links to the project's files), idl/ (the files of the
# nk_build_* calls and EXTRA_XDL_DIR), one folder per program of IMAGE_FILES with
# links to its C sources and the headers beside them, and solution.vars: the
# CMake variables the two templates name plus the SDK markers
# (@INIT_<prog>_PATH@, @INIT_<prog>_ENTITY_CONNECTIONS@ from the target property
# EXTRA_CONNECTIONS, _ENTITY_ENV from EXTRA_ENV, _ENTITY_ARGS from EXTRA_ARGS,
# @INIT_EXTERNAL_ENTITIES@). The target then runs
#   make -C <KOS-A64> PLATFORM=virt|rpi4 SOLUTION=sdk-NAME SOL_DIR=<that folder> BUILD=<dir> kernel
# which compiles the programs, generates Einit (tools/einit), the policy
# (tools/psl, linted) and the boot image (tools/mkbootimg.py), and links the kernel.
# The add_executable() targets of IMAGE_FILES are taken out of `all`: the
# Makefile builds them with libkos, libvfs and picolibc (building one directly
# says so: cmake/not-built-here.sh).
include_guard(GLOBAL)
include(platform)
include(platform/nk)

find_program(KOS_A64_MAKE NAMES make gmake REQUIRED)
find_program(KOS_A64_QEMU NAMES qemu-system-aarch64)

set(KOS_A64_IMAGE_OPTIONS PERFCNT_KERNEL GDBSTUB_KERNEL NO_AUTO_BLOB_CONTAINER)
set(KOS_A64_IMAGE_ONE EINIT_ENTITY CONNECTIONS_CFG SECURITY_PSL SECURITY_CFG KLOG_ENTITY QEMU_FLAGS
    IMAGE_BINARY_DIR_BIN PACK_DEPS PACK_DEPS_COPY_ONLY PACK_DEPS_LIBS_PATH PACK_DEPS_COPY_TARGET
    GINGER_ENABLE)
set(KOS_A64_IMAGE_MULTI IMAGE_FILES EXTRA_XDL_DIR QEMU_DEPENDENCIES PACK_DEPS_EXTRA_LIBRARIES
    GINGER_DEFINITIONS)
# The policy lint (tools/psl --lint) prints its warnings; ON makes them fatal, as in the
# Make flow. Off by default: SDK examples grant wide (`match dst = X { grant () }`), which
# the lint rightly warns about, and KasperskyOS builds them (docs/SDK.md).
option(KOS_A64_LINT_WERROR "SDK mode: policy lint warnings fail the image build" OFF)

# kos_a64_escape(<out> <value>): a value for a variables file (tools/template.py).
function(kos_a64_escape out value)
    string(REPLACE "\\" "\\\\" value "${value}")
    string(REPLACE "\n" "\\n" value "${value}")
    set(${out} "${value}" PARENT_SCOPE)
endfunction()

# kos_a64_link(<target file> <link>): a symbolic link, replacing what was there.
function(kos_a64_link target link)
    get_filename_component(dir "${link}" DIRECTORY)
    file(MAKE_DIRECTORY "${dir}")
    file(REMOVE "${link}")
    file(CREATE_LINK "${target}" "${link}" SYMBOLIC)
endfunction()

function(kos_a64_image command platform name)
    cmake_parse_arguments(PARSE_ARGV 3 ARG "${KOS_A64_IMAGE_OPTIONS}" "${KOS_A64_IMAGE_ONE}"
                          "${KOS_A64_IMAGE_MULTI}")
    set(where "${command}(${name})")
    foreach(opt PERFCNT_KERNEL GDBSTUB_KERNEL KLOG_ENTITY SECURITY_CFG PACK_DEPS PACK_DEPS_COPY_ONLY
                PACK_DEPS_LIBS_PATH PACK_DEPS_COPY_TARGET PACK_DEPS_EXTRA_LIBRARIES QEMU_DEPENDENCIES)
        if(ARG_${opt})
            kos_a64_unsupported(${command} "its parameter ${opt}")
        endif()
    endforeach()
    if(platform STREQUAL "rpi4" AND ARG_QEMU_FLAGS)
        message(FATAL_ERROR "${where}: QEMU_FLAGS is for build_kos_qemu_image()")
    endif()
    if(NOT ARG_CONNECTIONS_CFG)
        message(FATAL_ERROR "${where}: CONNECTIONS_CFG (init.yaml or init.yaml.in) is required")
    endif()
    if(TARGET ${name})
        message(FATAL_ERROR "${where}: a target `${name}` exists already")
    endif()
    set(files ${ARG_IMAGE_FILES} ${ARG_UNPARSED_ARGUMENTS})
    set(bindir "${CMAKE_CURRENT_BINARY_DIR}")
    if(ARG_IMAGE_BINARY_DIR_BIN)
        set(bindir "${ARG_IMAGE_BINARY_DIR_BIN}")
    endif()
    set(work "${CMAKE_BINARY_DIR}/kos-a64/${name}")
    set(sol "${work}/solution")
    file(REMOVE_RECURSE "${sol}")
    file(MAKE_DIRECTORY "${sol}/idl")

    # init.yaml and the policy: always .in names, so that the Makefile treats them
    # as templates everywhere (its lint reads a plain init.yaml as YAML).
    set(templates "")
    foreach(kind CONNECTIONS_CFG SECURITY_PSL)
        if(ARG_${kind})
            get_filename_component(src "${ARG_${kind}}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
            if(NOT EXISTS "${src}")
                message(FATAL_ERROR "${where}: ${kind} ${src}: no such file")
            endif()
            if(kind STREQUAL "CONNECTIONS_CFG")
                kos_a64_link("${src}" "${sol}/init.yaml.in")
            else()
                kos_a64_link("${src}" "${sol}/security.psl.in")
            endif()
            list(APPEND templates "${src}")
        endif()
    endforeach()

    # EDL/CDL/IDL: those of the nk_build_* calls, then EXTRA_XDL_DIR.
    get_property(nkfiles GLOBAL PROPERTY KOS_A64_NK_FILES)
    foreach(f IN LISTS nkfiles)
        file(RELATIVE_PATH rel "${KOS_A64_NK_DIR}" "${f}")
        kos_a64_link("${f}" "${sol}/idl/${rel}")
    endforeach()
    foreach(dir IN LISTS ARG_EXTRA_XDL_DIR)
        get_filename_component(dir "${dir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
        file(GLOB_RECURSE extra RELATIVE "${dir}" "${dir}/*.edl" "${dir}/*.cdl" "${dir}/*.idl" "${dir}/*.psl")
        foreach(rel IN LISTS extra)
            kos_a64_link("${dir}/${rel}" "${sol}/idl/${rel}")
        endforeach()
    endforeach()

    # The programs and the SDK markers of init.yaml.in.
    set(vars "")
    set(external "")
    set(external_psl "")
    set(deps "")
    foreach(item IN LISTS files)
        if(NOT TARGET "${item}")
            message(FATAL_ERROR "${where}: IMAGE_FILES `${item}` is not a program target "
                    "(other files in the image are not supported)")
        endif()
        get_target_property(imported ${item} IMPORTED)
        if(imported)
            get_target_property(why ${item} KOS_A64_UNSUPPORTED)
            if(why)
                kos_a64_unsupported("${item} in ${command}" "${why}")
            endif()
            get_target_property(prog ${item} KOS_A64_PROGRAM)
            get_target_property(marker ${item} KOS_A64_MARKER)
            if(NOT prog)
                message(FATAL_ERROR "${where}: IMAGE_FILES `${item}` is an imported target that is "
                        "not a KOS-A64 program")
            endif()
        else()
            get_target_property(type ${item} TYPE)
            if(NOT type STREQUAL "EXECUTABLE")
                message(FATAL_ERROR "${where}: IMAGE_FILES `${item}` is a ${type}, not a program")
            endif()
            get_target_property(prog ${item} OUTPUT_NAME)
            if(NOT prog)
                set(prog "${item}")
            endif()
            set(marker "${prog}")
            get_target_property(srcdir ${item} SOURCE_DIR)
            get_target_property(srcs ${item} SOURCES)
            set(dirs "")
            foreach(s IN LISTS srcs)
                get_filename_component(abs "${s}" ABSOLUTE BASE_DIR "${srcdir}")
                get_filename_component(ext "${abs}" LAST_EXT)
                get_filename_component(base "${abs}" NAME)
                if(ext STREQUAL ".c")
                    kos_a64_link("${abs}" "${sol}/${prog}/${base}")
                    get_filename_component(d "${abs}" DIRECTORY)
                    list(APPEND dirs "${d}")
                elseif(ext MATCHES "^\\.(cpp|cc|cxx|C)$")
                    kos_a64_unsupported("${command}" "C++ source ${abs} of ${item} (programs are C here)")
                elseif(NOT ext MATCHES "^\\.(h|edl|cdl|idl)$")
                    message(FATAL_ERROR "${where}: ${item}: source ${abs} is neither C nor a header")
                endif()
            endforeach()
            list(REMOVE_DUPLICATES dirs)
            foreach(d IN LISTS dirs)        # the headers beside the sources, for #include "x.h"
                file(GLOB hdrs "${d}/*.h")
                foreach(h IN LISTS hdrs)
                    get_filename_component(base "${h}" NAME)
                    kos_a64_link("${h}" "${sol}/${prog}/${base}")
                endforeach()
            endforeach()
            set_property(TARGET ${item} APPEND PROPERTY KOS_A64_IMAGES ${name})
            get_target_property(images ${item} KOS_A64_IMAGES)
            string(JOIN "," images ${images})
            set_target_properties(${item} PROPERTIES EXCLUDE_FROM_ALL TRUE
                RULE_LAUNCH_COMPILE "${KOS_A64_ROOT}/cmake/not-built-here.sh ${item} ${images}")
            get_target_property(itemdeps ${item} MANUALLY_ADDED_DEPENDENCIES)
            if(itemdeps)
                list(APPEND deps ${itemdeps})
            endif()
        endif()
        kos_a64_escape(value "${prog}")
        list(APPEND vars "INIT_${marker}_PATH=${value}")
        # @INIT_<m>_ENTITY_CONNECTIONS+@ is the property's lines, to follow the
        # entity's own list; without the + it is the whole key (`  connections:` and
        # the lines), for an entity that has none. The same for env and args.
        if(imported)
            get_target_property(class ${item} KOS_A64_CLASS)
            set(entity "- name: ${class}\\n  path: ${prog}")
        endif()
        foreach(pair "EXTRA_CONNECTIONS;ENTITY_CONNECTIONS;connections" "EXTRA_ENV;ENTITY_ENV;env"
                     "EXTRA_ARGS;ENTITY_ARGS;args")
            list(GET pair 0 prop)
            list(GET pair 1 mark)
            list(GET pair 2 key)
            get_target_property(value ${item} ${prop})
            if(NOT value)
                set(value "")
            endif()
            string(REGEX REPLACE "^\n+|\n+$" "" value "${value}")
            kos_a64_escape(value "${value}")
            set(whole "")
            if(value)
                set(whole "  ${key}:\\n${value}")
                if(imported)
                    string(APPEND entity "\\n${whole}")
                endif()
            endif()
            list(APPEND vars "INIT_${marker}_${mark}=${whole}" "INIT_${marker}_${mark}+=${value}")
        endforeach()
        # The SDK's system programs are the entities of @INIT_EXTERNAL_ENTITIES@; in the
        # policy the same marker declares their classes.
        if(imported)
            if(external)
                string(APPEND external "\\n")
                string(APPEND external_psl "\\n")
            endif()
            string(APPEND external "${entity}")
            string(APPEND external_psl "use EDL ${class}")
        endif()
    endforeach()
    list(APPEND vars "INIT_EXTERNAL_ENTITIES=${external}" "INIT_EXTERNAL_ENTITIES_PSL=${external_psl}")

    # The CMake variables the templates name: @NAME@ and the names of {% %} lines.
    set(names "")
    foreach(t IN LISTS templates)
        file(STRINGS "${t}" lines)
        foreach(line IN LISTS lines)
            string(REGEX MATCHALL "@[A-Za-z_][A-Za-z0-9_]*@" at "${line}")
            foreach(n IN LISTS at)
                string(REGEX REPLACE "^@(.*)@$" "\\1" n "${n}")
                list(APPEND names "${n}")
            endforeach()
            if(line MATCHES "^[ \t]*{%.*%}[ \t]*$")
                string(REGEX REPLACE "\"[^\"]*\"|'[^']*'" "" bare "${line}")
                string(REGEX MATCHALL "[A-Za-z_][A-Za-z0-9_]*" ids "${bare}")
                list(APPEND names ${ids})
            endif()
        endforeach()
    endforeach()
    list(REMOVE_DUPLICATES names)
    foreach(n IN LISTS names)
        if(DEFINED ${n} AND NOT n MATCHES "^INIT_")
            kos_a64_escape(value "${${n}}")
            list(APPEND vars "${n}=${value}")
        endif()
    endforeach()
    # GINGER_DEFINITIONS: NAME=VALUE items for the templates (the SDK's Ginger engine;
    # tools/template.py here, whatever GINGER_ENABLE says), over the CMake variables.
    foreach(def IN LISTS ARG_GINGER_DEFINITIONS)
        if(NOT def MATCHES "^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
            message(FATAL_ERROR "${where}: GINGER_DEFINITIONS `${def}` is not NAME=VALUE")
        endif()
        kos_a64_escape(value "${CMAKE_MATCH_2}")
        list(APPEND vars "${CMAKE_MATCH_1}=${value}")
    endforeach()
    list(JOIN vars "\n" text)
    file(WRITE "${sol}/solution.vars" "# Written by ${command}() (cmake/Modules/platform/image.cmake)\n${text}\n")

    if(platform STREQUAL "virt")
        set(out_image "${work}/build/kernel.img")
    else()
        set(out_image "${work}/build/kernel8.img")
    endif()
    set(copy_extra "")
    if(platform STREQUAL "rpi4")
        set(copy_extra COMMAND "${CMAKE_COMMAND}" -E copy "${work}/build/config.txt" "${bindir}/${name}.config.txt")
    endif()
    set(lint "")
    if(ARG_SECURITY_PSL AND NOT KOS_A64_LINT_WERROR)
        set(lint "PSL_LINT=--lint --init ${sol}/init.yaml.in")
    endif()
    add_custom_target(${name}
        COMMAND "${KOS_A64_MAKE}" -C "${KOS_A64_ROOT}" --no-print-directory PLATFORM=${platform}
                SOLUTION=sdk-${name} "SOL_DIR=${sol}" "BUILD=${work}/build" "PYTHON=${KOS_A64_PYTHON}"
                ${lint} kernel
        COMMAND "${CMAKE_COMMAND}" -E copy "${out_image}" "${bindir}/${name}"
        ${copy_extra}
        BYPRODUCTS "${bindir}/${name}"
        COMMENT "KOS-A64 image ${name} (${platform}): ${bindir}/${name}"
        USES_TERMINAL VERBATIM)
    if(deps)
        list(REMOVE_DUPLICATES deps)
        add_dependencies(${name} ${deps})
    endif()
    set_target_properties(${name} PROPERTIES KOS_A64_IMAGE "${bindir}/${name}" KOS_A64_BUILD "${work}/build"
                          KOS_A64_PLATFORM ${platform})

    if(platform STREQUAL "virt" AND NOT TARGET sim)
        if(NOT KOS_A64_QEMU)
            set(KOS_A64_QEMU qemu-system-aarch64)
        endif()
        separate_arguments(qflags UNIX_COMMAND "${ARG_QEMU_FLAGS}")
        # The Makefile's `make run` machine: virt, GICv2, 512 MiB, 2 cores, an entropy
        # source; the kernel powers QEMU off with Einit's status (semihosting).
        add_custom_target(sim
            COMMAND "${KOS_A64_QEMU}" -M virt,gic-version=2 -cpu cortex-a72 -m 512M -smp 2 -nographic
                    -device virtio-rng-device,bus=virtio-mmio-bus.0
                    -semihosting-config enable=on,target=native
                    -kernel "${bindir}/${name}" -append "exit=semihosting panic=poweroff" ${qflags}
            DEPENDS ${name}
            COMMENT "Booting ${name} in QEMU virt (quit: Ctrl-A X)"
            USES_TERMINAL VERBATIM)
    endif()
    if(platform STREQUAL "rpi4")
        set_property(GLOBAL APPEND PROPERTY KOS_A64_HW_IMAGES ${name})
        cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL kos_a64_default_sd_image)
    endif()
endfunction()

function(build_kos_qemu_image name)
    kos_a64_image(build_kos_qemu_image virt ${name} ${ARGN})
endfunction()

function(build_kos_hw_image name)
    kos_a64_image(build_kos_hw_image rpi4 ${name} ${ARGN})
endfunction()

# build_sd_image(NAME KOS_IMAGE_TARGET <hw image target> [OUTPUT <file>]): an SD
# card (tools/mksdcard.sh: one FAT32 partition with the Pi 4 firmware from
# build/deps/rpi4-firmware, config.txt and the image as kernel8.img), written to
# <OUTPUT> (default ${CMAKE_CURRENT_BINARY_DIR}/sdcard.img).
function(build_sd_image name)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "" "KOS_IMAGE_TARGET;OUTPUT;IMAGE_FS;FS_TYPE;DISK_SIZE;PARTITION_SIZE" "")
    foreach(opt IMAGE_FS FS_TYPE DISK_SIZE PARTITION_SIZE)
        if(ARG_${opt})
            kos_a64_unsupported(build_sd_image "its parameter ${opt} (the card holds one FAT32 boot partition)")
        endif()
    endforeach()
    if(ARG_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "build_sd_image(${name}): unknown argument(s) ${ARG_UNPARSED_ARGUMENTS}")
    endif()
    set(image ${ARG_KOS_IMAGE_TARGET})
    if(NOT image)
        set(image kos-image)
    endif()
    if(NOT TARGET ${image})
        message(FATAL_ERROR "build_sd_image(${name}): no image target `${image}` (build_kos_hw_image first)")
    endif()
    get_target_property(platform ${image} KOS_A64_PLATFORM)
    if(NOT platform STREQUAL "rpi4")
        message(FATAL_ERROR "build_sd_image(${name}): `${image}` is not a build_kos_hw_image() target")
    endif()
    get_target_property(build ${image} KOS_A64_BUILD)
    set(out "${ARG_OUTPUT}")
    if(NOT out)
        set(out "${CMAKE_CURRENT_BINARY_DIR}/sdcard.img")
    endif()
    set(fw "${KOS_A64_ROOT}/build/deps/rpi4-firmware")
    add_custom_target(${name}
        COMMAND sh -c "test -f '${fw}/start4.elf' || '${KOS_A64_ROOT}/tools/deps/fetch-rpi4-firmware.sh' '${fw}'"
        COMMAND "${KOS_A64_ROOT}/tools/mksdcard.sh" "${out}" "${fw}/start4.elf" "${fw}/fixup4.dat"
                "${fw}/bcm2711-rpi-4-b.dtb" "${build}/config.txt" "${build}/kernel8.img"
        DEPENDS ${image}
        BYPRODUCTS "${out}"
        COMMENT "SD card for ${image}: ${out}"
        USES_TERMINAL VERBATIM)
endfunction()

# At the end of the configuration: `sd-image` for the first hardware image, unless
# the project made one.
function(kos_a64_default_sd_image)
    get_property(done GLOBAL PROPERTY KOS_A64_SD_DEFAULT_DONE)
    if(done OR TARGET sd-image)
        return()
    endif()
    set_property(GLOBAL PROPERTY KOS_A64_SD_DEFAULT_DONE TRUE)
    get_property(images GLOBAL PROPERTY KOS_A64_HW_IMAGES)
    list(GET images 0 first)
    build_sd_image(sd-image KOS_IMAGE_TARGET ${first})
endfunction()
