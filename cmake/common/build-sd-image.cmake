# ${KL_SDK_ROOT_PATH}/common/build-sd-image.cmake: the SDK's build_sd_image
# library; build_sd_image() lives with the image functions (platform/image).
include_guard(GLOBAL)
include(platform/image)
