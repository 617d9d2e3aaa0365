# include(platform/doxygen): the SDK's library for a project's Doxygen documentation
# target. KOS-A64 builds no documentation for a solution; the command is there so the
# SDK's CMakeLists.txt files (add_project_documentation_main_target() at the top)
# configure unchanged, and it says at configure time that no target is made.
include_guard(GLOBAL)
include(platform)

function(add_project_documentation_main_target)
    message(STATUS "add_project_documentation_main_target(): KOS-A64 makes no documentation "
            "target (docs/SDK.md)")
endfunction()
