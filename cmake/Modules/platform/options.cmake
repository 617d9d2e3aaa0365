# include(platform/options): the SDK's build options library. Every option it
# sets there (static linking, hardening flags) is fixed here by the Makefile's
# USER_CFLAGS and USER_LDFLAGS; including it is allowed so that the SDK's
# CMakeLists.txt files configure unchanged.
include_guard(GLOBAL)
include(platform)
