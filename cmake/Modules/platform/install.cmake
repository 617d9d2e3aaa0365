# include(platform/install): the SDK's artifact installation library. A solution
# here is installed nowhere: its image is the product (kos-qemu-image, kos-image,
# sd-image); CMake's own install() works as usual. Including it is allowed so that
# the SDK's CMakeLists.txt files configure unchanged.
include_guard(GLOBAL)
include(platform)
