# kos_a64_program(<target> <program> <marker> <class>): an SDK system program as an
# imported executable target, for IMAGE_FILES (platform/image): <program> is its
# entry in the boot image (a shared program of the Makefile), <marker> the name
# in init.yaml.in's @INIT_<marker>_...@ markers, <class> its EDL class.
include_guard(GLOBAL)
include(platform)

function(kos_a64_program target program marker class)
    if(TARGET ${target})
        return()
    endif()
    add_executable(${target} IMPORTED GLOBAL)
    set_target_properties(${target} PROPERTIES KOS_A64_PROGRAM "${program}" KOS_A64_MARKER "${marker}"
                          KOS_A64_CLASS "${class}")
endfunction()
